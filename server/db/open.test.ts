import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../services';
import { openDatabase } from './open';

const dir = mkdtempSync(join(tmpdir(), 't10x-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase', () => {
	it('uses WAL with synchronous=FULL on every open, not only the first', () => {
		const file = join(dir, 'db.sqlite');
		for (let open = 0; open < 3; open++) {
			const { sqlite, close } = openDatabase(file, MIGRATIONS_DIR);
			expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
			expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
			expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
			close();
		}
	});

	it('applies the committed migrations once', () => {
		const file = join(dir, 'migrated.sqlite');
		openDatabase(file, MIGRATIONS_DIR).close();
		const { sqlite, close } = openDatabase(file, MIGRATIONS_DIR);
		const tables = sqlite
			.prepare(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name"
			)
			.all()
			.map((row) => (row as { name: string }).name);
		expect(tables).toEqual([
			'blobs',
			'blocks',
			'document_updates',
			'documents',
			'follows',
			'idempotency_keys',
			'inference_log',
			'likes',
			'mutes',
			'notification_settings',
			'notifications',
			'post_claims',
			'post_views',
			'posts',
			'profiles',
			'push_subscriptions',
			'replies',
			'sessions',
			'storage_usage',
			'users'
		]);
		close();
	});
});
