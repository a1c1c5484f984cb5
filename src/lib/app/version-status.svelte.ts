import type { VersionMismatch } from '$sync/protocol/close-codes';

/**
 * Set when the relay refused to sync with this build: 'client-too-old' means a newer app is out
 * (the update prompt offers a reload); 'server-too-old' means the server must be updated first.
 * Either way syncing stops and every thought stays on this device.
 */
class VersionStatus {
	mismatch = $state<VersionMismatch | null>(null);
}

export const versionStatus = new VersionStatus();
