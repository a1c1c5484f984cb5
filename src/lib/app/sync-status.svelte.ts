import { connectivity } from './connectivity.svelte';

export type SyncLabel = 'Offline' | 'Local only' | 'Syncing' | 'Synced' | `Not synced (${number})`;

/**
 * One status for the whole app. Without an account nothing syncs, so the label is "Local only";
 * the relay (next issue) feeds `isSignedIn`, `isConnected` and `unsynced`.
 */
class SyncStatus {
	isSignedIn = $state(false);
	isConnected = $state(false);
	unsynced = $state(0);

	label = $derived.by((): SyncLabel => {
		if (!this.isSignedIn) return 'Local only';
		if (!connectivity.current || !this.isConnected) {
			return this.unsynced > 0 ? `Not synced (${this.unsynced})` : 'Offline';
		}
		return this.unsynced > 0 ? 'Syncing' : 'Synced';
	});
}

export const syncStatus = new SyncStatus();
