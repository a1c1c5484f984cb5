import { liveQuery } from 'dexie';
import { LOCAL_USER } from '$sync/ids';
import { CLOSE, SYNC_PATH, versionMismatchOf } from '$sync/protocol/close-codes';
import { PROTOCOL_PARAM, PROTOCOL_VERSION } from '$sync/protocol/version';
import type { Replica } from '$lib/replica/replica';
import { ReplicaSync } from '$lib/replica/replica-sync';
import { deviceBlobsFor } from './device-blobs';
import { handleError } from './handle-error';
import { notices } from './notices.svelte';
import { forgetRelayToken, relayToken } from './relay-token';
import { session } from './session.svelte';
import { syncStatus } from './sync-status.svelte';
import { versionStatus } from './version-status.svelte';

/** With the account's storage full, how long to wait before offering the changes again. */
export const STORAGE_FULL_RETRY_MS = 5 * 60 * 1000;

/** Starts syncing an account's replica and feeds the status element; returns the stop. */
export function connectReplica(replica: Replica): () => void {
	syncStatus.isSignedIn = replica.userId !== LOCAL_USER;
	if (!syncStatus.isSignedIn) return () => {};
	let retry: ReturnType<typeof setTimeout> | undefined;
	let isClosed = false;
	// A full quota: reconnecting at once would offer the same refused changes again. Stop, keep
	// them (the replica holds every unacknowledged update), and try again in a few minutes or on
	// the next sign-in, in case space was freed or the quota raised.
	const waitForRoom = () => {
		sync?.stop();
		sync = null;
		syncStatus.isConnected = false;
		if (!syncStatus.isStorageFull) {
			notices.show(
				'error',
				'Storage full: the server has no room left for this account. Your changes stay on this device and sync once there is room.',
				{ label: 'Try again', run: retryNow }
			);
		}
		syncStatus.isStorageFull = true;
		clearTimeout(retry);
		retry = setTimeout(retryNow, STORAGE_FULL_RETRY_MS);
	};
	const retryNow = () => {
		clearTimeout(retry);
		// The notice's button may outlive this connection (signed out since).
		if (isClosed) return;
		sync?.stop();
		sync = startSync(replica, waitForRoom);
	};
	let sync: ReplicaSync | null = startSync(replica, waitForRoom);
	// Model artifacts (and later media) travel beside the documents, never inside them.
	const stopBlobs = deviceBlobsFor(replica).connect();
	const pending = liveQuery(() => replica.view.pending.count()).subscribe({
		next: (count) => (syncStatus.unsynced = count),
		error: (error: unknown) => handleError(error, 'Could not count unsynced thoughts')
	});
	return () => {
		isClosed = true;
		clearTimeout(retry);
		stopBlobs();
		sync?.stop();
		sync = null;
		pending.unsubscribe();
		syncStatus.isConnected = false;
		syncStatus.isStorageFull = false;
		syncStatus.syncingDocs = 0;
	};
}

function startSync(replica: Replica, onStorageFull: () => void): ReplicaSync {
	const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
	const sync: ReplicaSync = new ReplicaSync(replica, {
		url: `${protocol}//${location.host}${SYNC_PATH}?${PROTOCOL_PARAM}=${PROTOCOL_VERSION}`,
		token: relayToken,
		onUnauthorized: () => {
			forgetRelayToken();
			void session.verify();
		},
		onClose: (code) => {
			// Refused as too costly, a retry sends the same update again: stop and say so. Over the
			// CPU budget, the provider's backoff lets it refill: only tell the person why it waits.
			if (code === CLOSE.updateTooCostly.code) {
				notices.show(
					'error',
					'The server refused a change from this device as too large to sync. Your thoughts stay here; reload to try again.'
				);
				return sync.stop();
			}
			if (code === CLOSE.storageFull.code) return onStorageFull();
			if (code === CLOSE.overBudget.code || code === CLOSE.tooManyDocuments.code) {
				notices.show(
					'info',
					'Syncing is paused for a moment: this device sent more changes than the server takes at once.'
				);
			}
			// No reconnect can fix a version mismatch: stop retrying and let the prompt explain.
			const mismatch = versionMismatchOf(code);
			if (!mismatch) return;
			versionStatus.mismatch = mismatch;
			sync.stop();
		},
		onState: (state) => {
			syncStatus.isConnected = state.isConnected;
			syncStatus.syncingDocs = state.syncingDocs;
			// Everything synced since the refusal: there was room after all.
			if (state.isConnected && state.syncingDocs === 0) syncStatus.isStorageFull = false;
		}
	});
	sync.start().catch((error: unknown) => handleError(error, 'Could not start syncing'));
	return sync;
}
