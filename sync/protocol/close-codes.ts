/** WebSocket close codes the relay uses, with the reason sent alongside. */
export const CLOSE = {
	forbidden: { code: 4403, reason: 'forbidden' },
	sessionRevoked: { code: 4402, reason: 'session revoked' },
	authTimeout: { code: 4408, reason: 'authentication timeout' },
	badMessage: { code: 4400, reason: 'bad message' },
	tooMuch: { code: 4429, reason: 'too many messages' },
	/** The client's protocol is older than the relay serves: the app must update (reload). */
	clientTooOld: { code: 4426, reason: 'client too old' },
	/** The client's protocol is newer than the relay knows: the server needs an update. */
	serverTooOld: { code: 4505, reason: 'server too old' },
	/** A document's schemaVersion is newer than the server knows: it is not stored. */
	schemaTooNew: { code: 4422, reason: 'document schema newer than the server' },
	/** One update would take the relay too long to apply (a shape no real client sends). */
	updateTooCostly: { code: 4413, reason: 'update too costly' },
	/** The user's updates have used their share of the relay's CPU: retry after a pause. */
	overBudget: { code: 4430, reason: 'sync budget exhausted' },
	/**
	 * The user's documents use their whole storage quota: the update was not stored. The client
	 * keeps it, shows "Storage full" and tries again later (the quota may be raised, or space freed).
	 */
	storageFull: { code: 4507, reason: 'storage quota exceeded' },
	/** A shard number past MAX_SHARD (sync/doc-names.ts): no real client addresses one. */
	shardOutOfRange: { code: 4404, reason: 'shard number out of range' },
	/** The socket, or the user across sockets, has more documents open than the relay allows. */
	tooManyDocuments: { code: 4431, reason: 'too many open documents' },
	/** The server could not write or read its storage; the client keeps its updates and retries. */
	storageFailed: { code: 4503, reason: 'storage error' },
	shuttingDown: { code: 1001, reason: 'server shutting down' }
} as const;

/** A close from the relay that no reconnect can fix until one side is updated. */
export type VersionMismatch = 'client-too-old' | 'server-too-old';

/** Which version mismatch a close code reports, or null for any other close. */
export function versionMismatchOf(code: number): VersionMismatch | null {
	if (code === CLOSE.clientTooOld.code) return 'client-too-old';
	if (code === CLOSE.serverTooOld.code || code === CLOSE.schemaTooNew.code) {
		return 'server-too-old';
	}
	return null;
}

/** The WebSocket path of the relay; also excluded from the service worker's navigation route. */
export const SYNC_PATH = '/sync';
