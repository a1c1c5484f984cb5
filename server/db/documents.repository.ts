import type Database from 'better-sqlite3';

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
 * Yjs document storage: an append-only update log plus a compacted state per document.
 * Statements are prepared once; better-sqlite3 runs them synchronously, which is what lets the
 * relay append an update before it acknowledges it.
 */
export class DocumentsRepository {
	readonly #append: Database.Statement<[string, Uint8Array, number]>;
	readonly #state: Database.Statement<[string], { state: Buffer }>;
	readonly #updates: Database.Statement<[string], { seq: number; update: Buffer }>;
	readonly #appendAll: (entries: readonly PendingUpdate[], now: number) => number[];
	readonly #compact: (
		name: string,
		userId: string,
		state: Uint8Array,
		upTo: number,
		now: number
	) => void;

	constructor(sqlite: Database.Database) {
		this.#append = sqlite.prepare(
			'INSERT INTO document_updates (name, "update", created_at) VALUES (?, ?, ?)'
		);
		this.#appendAll = sqlite.transaction((entries: readonly PendingUpdate[], now: number) =>
			entries.map(({ name, update }) => Number(this.#append.run(name, update, now).lastInsertRowid))
		);
		this.#state = sqlite.prepare('SELECT state FROM documents WHERE name = ?');
		this.#updates = sqlite.prepare(
			'SELECT seq, "update" FROM document_updates WHERE name = ? ORDER BY seq'
		);
		const upsert = sqlite.prepare(
			`INSERT INTO documents (name, user_id, state, bytes, updated_at) VALUES (?, ?, ?, ?, ?)
			 ON CONFLICT(name) DO UPDATE SET state = excluded.state, bytes = excluded.bytes,
			 updated_at = excluded.updated_at`
		);
		const prune = sqlite.prepare('DELETE FROM document_updates WHERE name = ? AND seq <= ?');
		this.#compact = sqlite.transaction((name, userId, state, upTo, now) => {
			upsert.run(name, userId, state, state.byteLength, now);
			prune.run(name, upTo);
		});
	}

	/** Appends one update durably (synchronous=FULL) and returns its seq. */
	append(name: string, update: Uint8Array, now = Date.now()): number {
		return Number(this.#append.run(name, update, now).lastInsertRowid);
	}

	/** Appends several updates in one transaction (one fsync) and returns their seqs, in order. */
	appendAll(entries: readonly PendingUpdate[], now = Date.now()): number[] {
		return this.#appendAll(entries, now);
	}

	load(name: string): StoredDocument {
		const row = this.#state.get(name);
		const rows = this.#updates.all(name);
		return {
			state: row ? new Uint8Array(row.state) : null,
			updates: rows.map((r) => new Uint8Array(r.update)),
			lastSeq: rows.at(-1)?.seq ?? 0
		};
	}

	/** Replaces the state and drops the updates it now contains, atomically. */
	compact(
		name: string,
		userId: string,
		state: Uint8Array,
		upToSeq: number,
		now = Date.now()
	): void {
		this.#compact(name, userId, state, upToSeq, now);
	}
}
