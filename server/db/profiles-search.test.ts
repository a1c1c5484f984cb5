import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../services';
import { openDatabase, type OpenDatabase } from './open';
import { peopleSearch, ProfilesRepository } from './profiles.repository';

const dir = mkdtempSync(join(tmpdir(), 't10x-people-search-'));
let database: OpenDatabase;
/** Enough users that SQLite's planner would notice a scan, plus names that sort around them. */
const HANDLES = [
	...Array.from({ length: 2_000 }, (_, i) => `user_${i}`),
	'ana',
	'ana_lima',
	'anabel',
	'an',
	'anb',
	'zed'
];

beforeAll(() => {
	database = openDatabase(join(dir, 'people.sqlite'), MIGRATIONS_DIR);
	const insert = database.sqlite.prepare(
		"INSERT INTO users (id, username, password_hash, created_at) VALUES (?, ?, 'x', 0)"
	);
	database.sqlite.transaction(() => HANDLES.forEach((handle) => insert.run(handle, handle)))();
	database.sqlite.prepare('ANALYZE').run();
});
afterAll(() => {
	database.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('people search query', () => {
	it('is a range search on the username index, not a scan of users', () => {
		const { sql } = peopleSearch(database.db).toSQL();
		const plan = database.sqlite
			.prepare(`EXPLAIN QUERY PLAN ${sql}`)
			.all('ana', 'ana~', 'me', 20) as { detail: string }[];
		const users = plan.map((row) => row.detail).filter((detail) => /\busers\b/.test(detail));
		expect(users).toHaveLength(1);
		expect(users[0]).toMatch(/^SEARCH users USING (COVERING )?INDEX users_username_unique \(/);
		expect(users[0]).toMatch(/username>\? AND username<\?/);
		expect(plan.map((row) => row.detail).join('\n')).not.toMatch(/SCAN users/);
		// The plan prints any lower bound as `>`: with only one in the query, the range must
		// start at the prefix (or the page cursor), not at the first handle in the index.
		expect(sql.match(/"users"\."username" >/g)).toEqual(['"users"."username" >']);
	});

	it('matches exactly the handles that start with the prefix, in order, within the limit', () => {
		const profiles = new ProfilesRepository(database.db);
		const found = (prefix: string, after = '', limit = 20) =>
			profiles.search('nobody', prefix, after, limit).map((person) => person.handle);
		expect(found('ana')).toEqual(['ana', 'ana_lima', 'anabel']);
		expect(found('an')).toEqual(['an', 'ana', 'ana_lima', 'anabel', 'anb']);
		expect(found('ana', 'ana')).toEqual(['ana_lima', 'anabel']);
		expect(found('user_1', '', 3)).toEqual(['user_1', 'user_10', 'user_100']);
		expect(found('zed')).toEqual(['zed']);
		expect(found('zz')).toEqual([]);
	});
});
