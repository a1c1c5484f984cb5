import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../services';
import { openDatabase, type OpenDatabase } from './open';
import { PushRepository, type StoredSubscription } from './push.repository';

const dir = mkdtempSync(join(tmpdir(), 't10x-push-repo-'));
let database: OpenDatabase;
let repository: PushRepository;

const device = (n: number, auth = 'a'.repeat(22)): StoredSubscription => ({
	endpoint: `https://push.example/send/${n}`,
	keys: { p256dh: `B${'p'.repeat(86)}`, auth }
});

beforeAll(() => {
	database = openDatabase(join(dir, 'push.sqlite'), MIGRATIONS_DIR);
	repository = new PushRepository(database.db);
	const insert = database.sqlite.prepare(
		'INSERT INTO users (id, username, password_hash, created_at) VALUES (?, ?, ?, 0)'
	);
	for (const id of ['ana', 'bob', 'cy']) insert.run(id, id, 'x');
});
afterAll(() => {
	database.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('PushRepository', () => {
	it('stores a device once per endpoint, with the latest keys', () => {
		repository.save('ana', device(1), 10, 1);
		repository.save('ana', device(1, 'b'.repeat(22)), 10, 2);
		expect(repository.listByUser('ana')).toEqual([device(1, 'b'.repeat(22))]);
	});

	it('moves an endpoint registered again by another user to that user', () => {
		repository.save('bob', device(1), 10, 3);
		expect(repository.listByUser('ana')).toEqual([]);
		expect(repository.listByUser('bob')).toEqual([device(1)]);
	});

	it('keeps only the newest devices of a user', () => {
		for (let n = 10; n < 15; n++) repository.save('cy', device(n), 3, n);
		expect(repository.listByUser('cy').map((d) => d.endpoint)).toEqual(
			[12, 13, 14].map((n) => device(n).endpoint)
		);
		// Re-registering an old device makes it the newest again.
		repository.save('cy', device(12), 3, 20);
		repository.save('cy', device(15), 3, 21);
		expect(repository.listByUser('cy').map((d) => d.endpoint)).toEqual(
			[12, 15, 14].map((n) => device(n).endpoint).sort()
		);
	});

	it('deletes only the caller’s own device, or any device the push service forgot', () => {
		expect(repository.deleteForUser('ana', device(1).endpoint)).toBe(false);
		expect(repository.listByUser('bob')).toHaveLength(1);
		expect(repository.deleteForUser('bob', device(1).endpoint)).toBe(true);
		repository.deleteByEndpoint(device(14).endpoint);
		expect(repository.listByUser('cy').map((d) => d.endpoint)).not.toContain(device(14).endpoint);
	});

	it('has every switch on until the user changes one', () => {
		expect(repository.settings('ana')).toEqual({
			follow: true,
			like: true,
			reply: true,
			post: true
		});
		repository.saveSettings('ana', { follow: true, like: false, reply: true, post: false });
		repository.saveSettings('ana', { follow: false, like: false, reply: true, post: false });
		expect(repository.settings('ana')).toEqual({
			follow: false,
			like: false,
			reply: true,
			post: false
		});
		expect(repository.settings('bob').like).toBe(true);
	});
});
