export interface OpenDocumentLimits {
	/** Documents one socket may have open at once. */
	maxOpenDocumentsPerSocket: number;
	/** Documents one user may have open at once, over all their sockets. */
	maxOpenDocumentsPerUser: number;
}

/**
 * A real client keeps the root, the open shard, four background syncs and the shards a screen
 * visits open (under ten), and an import keeps every shard it fills open until it ends
 * (bulk-thoughts.ts): 51 for 50k thoughts. 128 lets one device import 125k thoughts at once;
 * 256 per user is two such devices. Each loaded shard costs the relay memory for its Y.Doc.
 */
export const DEFAULT_OPEN_DOCUMENT_LIMITS: OpenDocumentLimits = {
	maxOpenDocumentsPerSocket: 128,
	maxOpenDocumentsPerUser: 256
};

export type OpenRefusal = 'socket' | 'user';

/** The documents each socket has open, grouped by user, to budget both. */
export class OpenDocuments {
	readonly #byUser = new Map<string, Set<Set<string>>>();

	constructor(private readonly limits: OpenDocumentLimits) {}

	/**
	 * Counts `name` as open on a socket (its set of open names), or says which budget it would
	 * exceed. Opening a document the socket already has open costs nothing.
	 */
	open(userId: string, socket: Set<string>, name: string): OpenRefusal | null {
		if (socket.has(name)) return null;
		if (socket.size >= this.limits.maxOpenDocumentsPerSocket) return 'socket';
		const sockets = this.#byUser.get(userId) ?? new Set<Set<string>>();
		let total = 0;
		for (const open of sockets) total += open.size;
		if (total >= this.limits.maxOpenDocumentsPerUser) return 'user';
		socket.add(name);
		sockets.add(socket);
		this.#byUser.set(userId, sockets);
		return null;
	}

	close(userId: string, socket: Set<string>, name: string): void {
		socket.delete(name);
		if (socket.size === 0) this.#forget(userId, socket);
	}

	/** The socket closed: none of its documents count any more. */
	closeSocket(userId: string, socket: Set<string>): void {
		socket.clear();
		this.#forget(userId, socket);
	}

	#forget(userId: string, socket: Set<string>): void {
		const sockets = this.#byUser.get(userId);
		sockets?.delete(socket);
		if (sockets?.size === 0) this.#byUser.delete(userId);
	}
}
