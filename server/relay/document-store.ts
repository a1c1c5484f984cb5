import * as Y from 'yjs';

/**
 * The storage port the relay's persistence depends on: an append-only update log plus one
 * compacted state per document. The SQLite adapter is server/db/documents.repository.ts.
 * The methods are synchronous because better-sqlite3 is: an append is one call, made before the
 * relay acknowledges the update. A PostgreSQL adapter (node-postgres is asynchronous) makes them
 * return promises; the callers that then await are UpdateLog.flush (already asynchronous to its
 * callers), onLoadDocument and onStoreDocument (async hooks) and the append of server-side changes
 * in persistence.ts, the one synchronous path, which would join the update log.
 */
export interface DocumentStore {
	/** Appends one update durably and returns its seq. */
	append(name: string, update: Uint8Array, now?: number): number;
	/** Appends several updates in one transaction (one fsync) and returns their seqs, in order. */
	appendAll(entries: readonly PendingUpdate[], now?: number): number[];
	load(name: string): StoredDocument;
	/** Replaces the state and drops the updates up to `upToSeq` it now contains, atomically. */
	compact(name: string, userId: string, state: Uint8Array, upToSeq: number, now?: number): void;
	/**
	 * Bytes a user holds on the server: their documents' compacted states and updates not yet
	 * compacted (kept current by append and compact) plus their blobs, which the blob store counts
	 * in the same counter. The storage quota reads it before every update.
	 */
	usage(userId: string): number;
}

export interface StoredDocument {
	/** The compacted state, or null for a document never stored. */
	state: Uint8Array | null;
	/** Updates appended since that state, oldest first. */
	updates: Uint8Array[];
	/** The last appended seq included above; compaction deletes up to it. */
	lastSeq: number;
}

export interface PendingUpdate {
	name: string;
	update: Uint8Array;
}

/**
 * What went wrong, in terms the relay can act on, whatever the engine: 'unavailable' may pass
 * (busy, locked, I/O, read-only, closed), 'full' needs disk, 'corrupt' needs an operator,
 * 'too-large' will never fit.
 */
export type StorageErrorCode = 'unavailable' | 'full' | 'corrupt' | 'too-large';

/** The only error a DocumentStore throws; the engine's own error is kept as the cause. */
export class StorageError extends Error {
	constructor(
		readonly code: StorageErrorCode,
		options?: { cause?: unknown }
	) {
		super(`storage ${code}`, options);
		this.name = 'StorageError';
	}
}

/** A stored document as a Y.Doc (its state, then its updates); null when nothing is stored. */
export function readDocument(store: Pick<DocumentStore, 'load'>, name: string): Y.Doc | null {
	const stored = store.load(name);
	if (!stored.state && stored.updates.length === 0) return null;
	const doc = new Y.Doc();
	Y.transact(doc, () => {
		if (stored.state) Y.applyUpdate(doc, stored.state);
		for (const update of stored.updates) Y.applyUpdate(doc, update);
	});
	return doc;
}
