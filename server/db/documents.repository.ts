import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { param } from './param.sql';
import {
	StorageError,
	type DocumentStore,
	type PendingUpdate,
	type StorageErrorCode,
	type StoredDocument
} from '../relay/document-store';
import type { Db } from './open';
import { excluded } from './excluded.sql';
import { documentUpdates, documents } from './schema';
import { storageUsageStatements } from './storage-usage.sql';

/**
 * The SQLite adapter of the relay's DocumentStore: an append-only update log plus a compacted
 * state per document. Queries are prepared once; better-sqlite3 runs them synchronously, which is
 * what lets the relay append an update before it acknowledges it. Every SQLite error leaves as a
 * StorageError, so the relay never has to know SQLite's codes.
 */
export class DocumentsRepository implements DocumentStore {
	readonly #append;
	readonly #state;
	readonly #updates;
	readonly #upsert;
	readonly #prune;
	readonly #stateBytes;
	readonly #logBytes;
	readonly #addUsage;
	readonly #usage;
	readonly #appendOne: (name: string, update: Uint8Array, now: number) => number;
	readonly #appendAll: (entries: readonly PendingUpdate[], now: number) => number[];
	readonly #compact: (
		name: string,
		userId: string,
		state: Uint8Array,
		upTo: number,
		now: number
	) => void;

	constructor(db: Db) {
		this.#append = db
			.insert(documentUpdates)
			.values({ name: param('name'), update: param('update'), createdAt: param('now') })
			.prepare();
		this.#state = db
			.select({ state: documents.state })
			.from(documents)
			.where(eq(documents.name, param('name')))
			.prepare();
		this.#updates = db
			.select({ seq: documentUpdates.seq, update: documentUpdates.update })
			.from(documentUpdates)
			.where(eq(documentUpdates.name, param('name')))
			.orderBy(asc(documentUpdates.seq))
			.prepare();
		this.#upsert = db
			.insert(documents)
			.values({
				name: param('name'),
				userId: param('userId'),
				state: param('state'),
				bytes: param('bytes'),
				updatedAt: param('now')
			})
			.onConflictDoUpdate({
				target: documents.name,
				set: {
					state: excluded(documents.state),
					bytes: excluded(documents.bytes),
					updatedAt: excluded(documents.updatedAt)
				}
			})
			.prepare();
		this.#prune = db
			.delete(documentUpdates)
			.where(and(eq(documentUpdates.name, param('name')), lte(documentUpdates.seq, param('upTo'))))
			.prepare();
		this.#stateBytes = db
			.select({ bytes: documents.bytes })
			.from(documents)
			.where(eq(documents.name, param('name')))
			.prepare();
		this.#logBytes = db
			.select({ bytes: sql<number>`coalesce(sum(length(${documentUpdates.update})), 0)` })
			.from(documentUpdates)
			.where(and(eq(documentUpdates.name, param('name')), lte(documentUpdates.seq, param('upTo'))))
			.prepare();
		const usage = storageUsageStatements(db);
		this.#addUsage = usage.add;
		this.#usage = usage.read;
		// Transactions are better-sqlite3's, built once: drizzle's db.transaction() builds a
		// transaction object on every call, which cost the group commit ~40% of its CPU in a
		// microbenchmark (4 updates per batch). The statements inside are drizzle's all the same.
		const transaction = db.$client.transaction.bind(db.$client);
		this.#appendOne = transaction((name: string, update: Uint8Array, now: number) =>
			this.#insert(name, update, now)
		);
		this.#appendAll = transaction((entries: readonly PendingUpdate[], now: number) =>
			entries.map(({ name, update }) => this.#insert(name, update, now))
		);
		this.#compact = transaction(
			(name: string, userId: string, state: Uint8Array, upTo: number, now: number) => {
				const before = this.#stateBytes.get({ name })?.bytes ?? 0;
				const pruned = this.#logBytes.get({ upTo, name })?.bytes ?? 0;
				this.#upsert.run({ name, userId, state, bytes: state.byteLength, now });
				this.#prune.run({ name, upTo });
				this.#addUsage.run({ userId: ownerOf(name), bytes: state.byteLength - before - pruned });
			}
		);
	}

	/** Appends one update durably (synchronous=FULL) and returns its seq. */
	append(name: string, update: Uint8Array, now = Date.now()): number {
		return storage(() => this.#appendOne(name, update, now));
	}

	/** Appends several updates in one transaction (one fsync) and returns their seqs, in order. */
	appendAll(entries: readonly PendingUpdate[], now = Date.now()): number[] {
		return storage(() => this.#appendAll(entries, now));
	}

	load(name: string): StoredDocument {
		return storage(() => {
			const row = this.#state.get({ name });
			const rows = this.#updates.all({ name });
			return {
				state: row ? new Uint8Array(row.state) : null,
				updates: rows.map((r) => new Uint8Array(r.update)),
				lastSeq: rows.at(-1)?.seq ?? 0
			};
		});
	}

	/** Replaces the state and drops the updates it now contains, atomically. */
	compact(
		name: string,
		userId: string,
		state: Uint8Array,
		upToSeq: number,
		now = Date.now()
	): void {
		storage(() => this.#compact(name, userId, state, upToSeq, now));
	}

	usage(userId: string): number {
		return storage(() => this.#usage.get({ userId })?.bytes ?? 0);
	}

	/** Inside a transaction: the row and its bytes on the owner's usage count together. */
	#insert(name: string, update: Uint8Array, now: number): number {
		const seq = Number(this.#append.run({ name, update, now }).lastInsertRowid);
		this.#addUsage.run({ userId: ownerOf(name), bytes: update.byteLength });
		return seq;
	}
}

/** The user id in a document name (`u/<userId>/…`); the relay only stores names it parsed. */
function ownerOf(name: string): string {
	return name.split('/')[1] ?? '';
}

/** Runs a storage call, turning whatever SQLite throws into a StorageError. */
function storage<T>(run: () => T): T {
	try {
		return run();
	} catch (error) {
		throw new StorageError(storageCode(error), { cause: error });
	}
}

/**
 * SQLite's primary result codes (better-sqlite3 puts the extended one, e.g. SQLITE_IOERR_WRITE,
 * in `code`). A closed connection throws a plain TypeError, which is 'unavailable' too.
 */
export function storageCode(error: unknown): StorageErrorCode {
	const code = (error as { code?: unknown } | null)?.code;
	if (typeof code !== 'string') return 'unavailable';
	if (code === 'SQLITE_FULL') return 'full';
	if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt';
	if (code === 'SQLITE_TOOBIG') return 'too-large';
	return 'unavailable';
}
