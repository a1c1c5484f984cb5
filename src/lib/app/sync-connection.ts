import { liveQuery } from 'dexie';
import { LOCAL_USER } from '$sync/ids';
import { SYNC_PATH } from '$sync/protocol/close-codes';
import type { Replica } from '$lib/replica/replica';
import { ReplicaSync } from '$lib/replica/sync-client';
import { handleError } from './handle-error';
import { forgetRelayToken, relayToken } from './relay-token';
import { session } from './session.svelte';
import { syncStatus } from './sync-status.svelte';

/** Starts syncing an account's replica and feeds the status element; returns the stop. */
export function connectReplica(replica: Replica): () => void {
	syncStatus.isSignedIn = replica.userId !== LOCAL_USER;
	if (!syncStatus.isSignedIn) return () => {};
	const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
	const sync = new ReplicaSync(replica, {
		url: `${protocol}//${location.host}${SYNC_PATH}`,
		token: relayToken,
		onUnauthorized: () => {
			forgetRelayToken();
			void session.verify();
		},
		onState: (state) => {
			syncStatus.isConnected = state.isConnected;
			syncStatus.syncingDocs = state.syncingDocs;
		}
	});
	sync.start().catch((error: unknown) => handleError(error, 'Could not start syncing'));
	const pending = liveQuery(() => replica.view.pending.count()).subscribe({
		next: (count) => (syncStatus.unsynced = count),
		error: (error: unknown) => handleError(error, 'Could not count unsynced thoughts')
	});
	return () => {
		sync.stop();
		pending.unsubscribe();
		syncStatus.isConnected = false;
		syncStatus.syncingDocs = 0;
	};
}
