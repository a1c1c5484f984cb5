import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../services';
import { BlobsRepository } from './blobs.repository';
import { DocumentsRepository } from './documents.repository';
import { openDatabase, type OpenDatabase } from './open';

const dir = mkdtempSync(join(tmpdir(), 't10x-blobs-'));
let n = 0;
let database: OpenDatabase;
let blobs: BlobsRepository;
let documents: DocumentsRepository;
const sha = (digit: string) => digit.repeat(64);

beforeEach(() => {
	database = openDatabase(join(dir, `db-${++n}.sqlite`), MIGRATIONS_DIR);
	for (const id of ['alice', 'bob']) {
		database.sqlite
			.prepare('INSERT INTO users (id, username, password_hash, created_at) VALUES (?, ?, ?, 0)')
			.run(id, id, 'x');
	}
	blobs = new BlobsRepository(database.db);
	documents = new DocumentsRepository(database.db);
});
afterEach(() => database.close());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('BlobsRepository', () => {
	it('keeps one row per owner and counts each once on that owner only', () => {
		expect(blobs.add('alice', sha('a'), 100, 1000)).toBe('added');
		expect(blobs.add('alice', sha('a'), 100, 1000)).toBe('exists');
		expect(blobs.add('bob', sha('a'), 100, 1000)).toBe('added');
		expect([blobs.usage('alice'), blobs.usage('bob')]).toEqual([100, 100]);
		expect(blobs.find('alice', sha('a'))).toMatchObject({ sha256: sha('a'), size: 100 });
		expect(blobs.find('alice', sha('b'))).toBeUndefined();
		expect(blobs.list('bob').map((blob) => blob.sha256)).toEqual([sha('a')]);
	});

	it('frees the bytes of a removed blob, and only its owner can remove it', () => {
		blobs.add('alice', sha('a'), 300, 1000);
		blobs.add('alice', sha('b'), 200, 1000);
		expect(blobs.remove('bob', sha('a'))).toBeUndefined();
		expect(blobs.usage('alice')).toBe(500);
		expect(blobs.remove('alice', sha('a'))).toMatchObject({ size: 300 });
		expect(blobs.remove('alice', sha('a'))).toBeUndefined();
		expect([blobs.usage('alice'), blobs.blobBytes('alice')]).toEqual([200, 200]);
	});

	it('shares the quota with documents: each one sees what the other holds', () => {
		documents.append('u/alice/shard/0', new Uint8Array(600));
		expect(blobs.add('alice', sha('a'), 500, 1000)).toBe('over_quota');
		expect(blobs.find('alice', sha('a'))).toBeUndefined();
		expect(blobs.add('alice', sha('a'), 400, 1000)).toBe('added');
		expect(documents.usage('alice')).toBe(1000);
		expect(blobs.blobBytes('alice')).toBe(400);
		blobs.remove('alice', sha('a'));
		expect(documents.usage('alice')).toBe(600);
	});
});
