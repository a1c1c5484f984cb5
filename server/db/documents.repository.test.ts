import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../relay/document-store';
import { MIGRATIONS_DIR } from '../services';
import { DocumentsRepository, storageCode } from './documents.repository';
import { openDatabase, type OpenDatabase } from './open';

const dir = mkdtempSync(join(tmpdir(), 't10x-docs-'));
let n = 0;
let database: OpenDatabase;
let documents: DocumentsRepository;
const bytes = (...values: number[]) => new Uint8Array(values);

beforeEach(() => {
	database = openDatabase(join(dir, `db-${++n}.sqlite`), MIGRATIONS_DIR);
	documents = new DocumentsRepository(database.db);
});
afterEach(() => {
	if (database.sqlite.open) database.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The StorageError a call throws (failing the test if it throws anything else, or nothing). */
function storageErrorOf(call: () => unknown): StorageError {
	try {
		call();
	} catch (error) {
		expect(error).toBeInstanceOf(StorageError);
		return error as StorageError;
	}
	throw new Error('expected a StorageError');
}

describe('DocumentsRepository', () => {
	it('loads the compacted state plus the updates after it, and compaction prunes the log', () => {
		const [first, second] = documents.appendAll([
			{ name: 'u/a/shard/0', update: bytes(1) },
			{ name: 'u/a/shard/0', update: bytes(2) }
		]);
		expect(second).toBe(first + 1);
		documents.compact('u/a/shard/0', 'a', bytes(9, 9), first);
		const third = documents.append('u/a/shard/0', bytes(3));
		expect(documents.load('u/a/shard/0')).toEqual({
			state: bytes(9, 9),
			updates: [bytes(2), bytes(3)],
			lastSeq: third
		});
		expect(documents.load('u/b/root')).toEqual({ state: null, updates: [], lastSeq: 0 });
	});

	it('throws StorageError, not a raw SQLite error, when the database refuses writes', () => {
		database.sqlite.pragma('query_only = ON');
		const error = storageErrorOf(() => documents.append('u/a/shard/0', bytes(1)));
		expect(error.code).toBe('unavailable');
		expect((error.cause as { code?: string }).code).toBe('SQLITE_READONLY');
		expect(storageErrorOf(() => documents.compact('u/a/root', 'a', bytes(1), 0)).code).toBe(
			'unavailable'
		);
	});

	it("throws StorageError 'unavailable' once the database is closed", () => {
		database.close();
		expect(storageErrorOf(() => documents.load('u/a/shard/0')).code).toBe('unavailable');
		expect(storageErrorOf(() => documents.appendAll([{ name: 'x', update: bytes(1) }])).code).toBe(
			'unavailable'
		);
	});

	it("throws StorageError 'full' when the file may not grow, and commits none of the batch", () => {
		const pages = database.sqlite.pragma('page_count', { simple: true }) as number;
		database.sqlite.pragma(`max_page_count = ${pages + 2}`);
		const big = new Uint8Array(64 * 1024);
		const error = storageErrorOf(() =>
			documents.appendAll([
				{ name: 'u/a/shard/0', update: bytes(1) },
				{ name: 'u/a/shard/0', update: big }
			])
		);
		expect(error.code).toBe('full');
		expect(documents.load('u/a/shard/0').updates).toEqual([]);
	});

	it("counts each user's bytes: appends add them, compaction replaces log bytes by the state's", () => {
		const [first] = documents.appendAll([
			{ name: 'u/a/shard/0', update: bytes(1, 1, 1) },
			{ name: 'u/a/root', update: bytes(2, 2) },
			{ name: 'u/b/root', update: bytes(3) }
		]);
		documents.append('u/a/shard/0', bytes(4, 4, 4, 4));
		expect([documents.usage('a'), documents.usage('b'), documents.usage('c')]).toEqual([9, 1, 0]);
		// The first update folds into a 5-byte state; the second stays in the log.
		documents.compact('u/a/shard/0', 'a', bytes(5, 5, 5, 5, 5), first);
		expect(documents.usage('a')).toBe(2 + 5 + 4);
		// Deleting content shrinks the state: the quota frees what compaction drops.
		const { lastSeq } = documents.load('u/a/shard/0');
		documents.compact('u/a/shard/0', 'a', bytes(6), lastSeq);
		expect(documents.usage('a')).toBe(2 + 1);
		expect(documents.usage('b')).toBe(1);
	});

	it('leaves usage as it was when a batch fails', () => {
		documents.append('u/a/shard/0', bytes(1));
		const pages = database.sqlite.pragma('page_count', { simple: true }) as number;
		database.sqlite.pragma(`max_page_count = ${pages + 2}`);
		storageErrorOf(() =>
			documents.appendAll([
				{ name: 'u/a/shard/0', update: bytes(1) },
				{ name: 'u/a/shard/0', update: new Uint8Array(64 * 1024) }
			])
		);
		expect(documents.usage('a')).toBe(1);
	});

	it('backfills usage for documents stored before the quota existed', () => {
		const old = join(dir, `pre-quota-${++n}`);
		cpSync(MIGRATIONS_DIR, old, { recursive: true });
		const journal = join(old, 'meta', '_journal.json');
		// The schema as it was before: migrations apply in order, so later ones go too.
		const parsed = JSON.parse(readFileSync(journal, 'utf8')) as { entries: { tag: string }[] };
		const quota = parsed.entries.findIndex((entry) => entry.tag === '0004_storage_usage');
		expect(quota).toBeGreaterThan(0);
		parsed.entries = parsed.entries.slice(0, quota);
		writeFileSync(journal, JSON.stringify(parsed));
		const file = join(dir, `pre-quota-${n}.sqlite`);
		const before = openDatabase(file, old);
		before.sqlite
			.prepare(
				'INSERT INTO documents (name, user_id, state, bytes, updated_at) VALUES (?, ?, ?, ?, 0)'
			)
			.run('u/a/shard/0', 'a', Buffer.alloc(7), 7);
		const insertUpdate = before.sqlite.prepare(
			'INSERT INTO document_updates (name, "update", created_at) VALUES (?, ?, 0)'
		);
		insertUpdate.run('u/a/shard/0', Buffer.alloc(3));
		insertUpdate.run('u/user_2/root', Buffer.alloc(4));
		before.close();
		const after = openDatabase(file, MIGRATIONS_DIR);
		try {
			const migrated = new DocumentsRepository(after.db);
			expect([migrated.usage('a'), migrated.usage('user_2')]).toEqual([10, 4]);
		} finally {
			after.close();
		}
	});

	it("maps a file that is not a database to 'corrupt'", () => {
		const file = join(dir, 'garbage.sqlite');
		writeFileSync(file, Buffer.alloc(4096, 0x5a));
		const sqlite = new Database(file);
		try {
			sqlite.prepare('SELECT 1 FROM sqlite_master').get();
			expect.unreachable();
		} catch (error) {
			expect(storageCode(error)).toBe('corrupt');
		} finally {
			sqlite.close();
		}
	});
});
