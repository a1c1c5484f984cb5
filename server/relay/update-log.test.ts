import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DocumentsRepository } from '../db/documents.repository';
import { openDatabase, type OpenDatabase } from '../db/open';
import { MIGRATIONS_DIR } from '../services';
import { IMMEDIATE_MAX_BYTES, UpdateLog } from './update-log';

const dir = mkdtempSync(join(tmpdir(), 't10x-log-'));
let database: OpenDatabase;
let documents: DocumentsRepository;
const bytes = (...values: number[]) => new Uint8Array(values);

beforeAll(() => {
	database = openDatabase(join(dir, 'db.sqlite'), MIGRATIONS_DIR);
	documents = new DocumentsRepository(database.db);
});
afterAll(() => {
	database.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('UpdateLog', () => {
	it('commits the updates of one window in one transaction, each caller getting its seq', async () => {
		const appendAll = vi.spyOn(documents, 'appendAll');
		const log = new UpdateLog(documents, 5);
		const seqs = await Promise.all([
			log.append('u/a/shard/0', bytes(1)),
			log.append('u/b/shard/0', bytes(2)),
			log.append('u/a/shard/0', bytes(3))
		]);
		expect(appendAll).toHaveBeenCalledTimes(1);
		expect(seqs[1]).toBe(seqs[0] + 1);
		expect(seqs[2]).toBe(seqs[0] + 2);
		expect(documents.load('u/a/shard/0').updates).toEqual([bytes(1), bytes(3)]);
		expect(documents.load('u/b/shard/0').updates).toEqual([bytes(2)]);
		appendAll.mockRestore();
	});

	it('commits at once while commits are cheap, and gathers for the window once they are not', async () => {
		const original = documents.appendAll.bind(documents);
		const appendAll = vi.spyOn(documents, 'appendAll');
		const log = new UpdateLog(documents, 60_000);
		// Idle: each update is committed in its own turn of the event loop, without the window.
		await log.append('u/c/shard/0', bytes(3));
		await log.append('u/c/shard/0', bytes(4));
		expect(appendAll).toHaveBeenCalledTimes(2);
		// A slow commit (40 ms of the last 100 ms) makes the log busy: the next batch waits.
		appendAll.mockImplementationOnce((batch) => {
			const until = performance.now() + 40;
			while (performance.now() < until);
			return original(batch);
		});
		await log.append('u/c/shard/0', bytes(5));
		appendAll.mockRestore();
		let resolved = false;
		const pending = log.append('u/c/shard/0', bytes(6)).then(() => (resolved = true));
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(resolved).toBe(false);
		expect(documents.load('u/c/shard/0').updates).toEqual([bytes(3), bytes(4), bytes(5)]);
		log.flush();
		await pending;
		expect(documents.load('u/c/shard/0').updates).toEqual([bytes(3), bytes(4), bytes(5), bytes(6)]);
	});

	it('holds a large batch (an import) for the window even while commits are cheap', async () => {
		const log = new UpdateLog(documents, 60_000);
		await log.append('u/e/shard/0', bytes(8));
		let resolved = false;
		const large = new Uint8Array(IMMEDIATE_MAX_BYTES + 1);
		const pending = log.append('u/e/shard/0', large).then(() => (resolved = true));
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(resolved).toBe(false);
		log.flush();
		await pending;
		expect(documents.load('u/e/shard/0').updates).toEqual([bytes(8), large]);
	});

	it('rejects every update of a batch that failed to commit, and keeps working', async () => {
		const log = new UpdateLog(documents, 1);
		const appendAll = vi.spyOn(documents, 'appendAll').mockImplementationOnce(() => {
			throw new Error('disk I/O error');
		});
		const results = await Promise.allSettled([
			log.append('u/d/shard/0', bytes(5)),
			log.append('u/d/shard/0', bytes(6))
		]);
		expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
		await log.append('u/d/shard/0', bytes(7));
		expect(documents.load('u/d/shard/0').updates).toEqual([bytes(7)]);
		appendAll.mockRestore();
	});
});
