import { connectivity } from './connectivity.svelte';

export type SyncLabel =
	'Offline' | 'Local only' | 'Syncing' | 'Synced' | 'Storage full' | `Not synced (${number})`;

/**
 * One status for the whole app, fed by the sync connection. Without an account nothing syncs,
 * so the label is "Local only".
 */
class SyncStatus {
	isSignedIn = $state(false);
	isConnected = $state(false);
	/**
	 * The server refused a change because the account's storage is full. Syncing waits (every
	 * change stays on this device) and tries again later; cleared once everything has synced.
	 */
	isStorageFull = $state(false);
	/** Thoughts changed here that the relay has not acknowledged. */
	unsynced = $state(0);
	/** Documents still exchanging changes with the relay. */
	syncingDocs = $state(0);

	label = $derived.by((): SyncLabel => {
		if (!this.isSignedIn) return 'Local only';
		if (this.isStorageFull) return 'Storage full';
		if (!connectivity.current || !this.isConnected) {
			return this.unsynced > 0 ? `Not synced (${this.unsynced})` : 'Offline';
		}
		return this.unsynced > 0 || this.syncingDocs > 0 ? 'Syncing' : 'Synced';
	});
}

export const syncStatus = new SyncStatus();
