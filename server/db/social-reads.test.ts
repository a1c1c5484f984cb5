import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../services';
import { InteractionsRepository } from './interactions.repository';
import { NotificationsRepository } from './notifications.repository';
import { openDatabase, type OpenDatabase } from './open';
import { PostsRepository, type PostCursor } from './posts.repository';
import * as schema from './schema';

const dir = mkdtempSync(join(tmpdir(), 't10x-social-reads-'));
let database: OpenDatabase;

/** Ana's posts: several share a timestamp, so only the id orders them. */
const ANA_POSTS: [id: string, createdAt: number, visibility: 'public' | 'followers'][] = [
	['a1', 100, 'public'],
	['a2', 300, 'followers'],
	['a3', 300, 'public'],
	['a4', 300, 'public'],
	['a5', 200, 'followers'],
	['a6', 200, 'public'],
	['a7', 400, 'public']
];
/** Newest first, ties by id descending. */
const newestFirst = (ids: string[]) =>
	ANA_POSTS.filter(([id]) => ids.includes(id))
		.sort(([idA, atA], [idB, atB]) => atB - atA || (idA < idB ? 1 : -1))
		.map(([id]) => id);
const ALL = ANA_POSTS.map(([id]) => id);
const PUBLIC = ANA_POSTS.filter(([, , visibility]) => visibility === 'public').map(([id]) => id);

beforeAll(() => {
	database = openDatabase(join(dir, 'social-reads.sqlite'), MIGRATIONS_DIR);
	const run = (sql: string, ...rows: unknown[][]) => {
		const statement = database.sqlite.prepare(sql);
		for (const row of rows) statement.run(...row);
	};
	run(
		"INSERT INTO users (id, username, password_hash, created_at) VALUES (?, ?, 'x', 0)",
		['ana', 'ana'],
		['bob', 'bob']
	);
	run(
		`INSERT INTO posts (id, user_id, doc_name, visibility, text, created_at, published_at)
		 VALUES (?, 'ana', 'doc', ?, 'text', ?, 0)`,
		...ANA_POSTS.map(([id, createdAt, visibility]) => [id, visibility, createdAt])
	);
	run("INSERT INTO follows (follower_id, followee_id, created_at) VALUES ('bob', 'ana', 0)", []);
});
afterAll(() => {
	database.close();
	rmSync(dir, { recursive: true, force: true });
});

/** Reads every page of `limit` rows, each continuing after the last row of the one before. */
function allPages(read: (before: PostCursor | undefined) => PostCursor[], limit: number) {
	const pages: string[][] = [];
	let before: PostCursor | undefined;
	// More pages than posts means the cursor does not move on.
	while (pages.length <= ANA_POSTS.length) {
		const page = read(before);
		expect(page.length).toBeLessThanOrEqual(limit);
		if (page.length === 0) return pages;
		pages.push(page.map((post) => post.id));
		before = page.at(-1);
	}
	throw new Error('paging never reached an empty page');
}

describe('paging with a cursor', () => {
	it.each([1, 2, 3])('visits every post once, newest first, %i per page', (limit) => {
		const interactions = new InteractionsRepository(database.db);
		const posts = new PostsRepository(database.db);
		const reads = {
			feed: allPages((before) => interactions.feed('bob', before, limit), limit),
			followerView: allPages((before) => interactions.byAuthor('bob', 'ana', before, limit), limit),
			anonymousView: allPages((before) => interactions.byAuthor('', 'ana', before, limit), limit),
			publicPages: allPages(
				(before) => posts.byAuthor('ana', { followers: false, before, limit }),
				limit
			)
		};
		expect(
			Object.fromEntries(Object.entries(reads).map(([k, pages]) => [k, pages.flat()]))
		).toEqual({
			feed: newestFirst(ALL),
			followerView: newestFirst(ALL),
			anonymousView: newestFirst(PUBLIC),
			publicPages: newestFirst(PUBLIC)
		});
	});
});

describe('query plans', () => {
	/** Every statement the social reads run, with the values bound to it. */
	function socialReads(): { sql: string; params: unknown[] }[] {
		const queries: { sql: string; params: unknown[] }[] = [];
		const logged = drizzle(database.sqlite, {
			schema,
			logger: { logQuery: (sql, params) => queries.push({ sql, params }) }
		});
		const interactions = new InteractionsRepository(logged);
		const cursor = { createdAt: 300, id: 'a3' };
		interactions.feed('bob', cursor, 10);
		interactions.byAuthor('bob', 'ana', cursor, 10);
		interactions.post('bob', 'a1');
		interactions.replies('bob', 'a1');
		new PostsRepository(logged).byAuthor('ana', { followers: true, before: cursor, limit: 10 });
		new NotificationsRepository(logged).list('ana', Number.MAX_SAFE_INTEGER, 10);
		new NotificationsRepository(logged).unread('ana');
		return queries;
	}
	const plan = (query: { sql: string; params: unknown[] }) =>
		(
			database.sqlite.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as {
				detail: string;
			}[]
		).map((row) => row.detail);

	it('reads through indexes, never scanning a table', () => {
		const queries = socialReads();
		expect(queries).toHaveLength(7);
		for (const query of queries) {
			const details = plan(query);
			expect(details.filter((detail) => /^SCAN /.test(detail))).toEqual([]);
		}
	});

	it('seeks the author index to the cursor instead of reading the author from the start', () => {
		const cursorReads = socialReads().filter((query) =>
			/\("posts"\."created_at", "posts"\."id"\)\s*</.test(query.sql)
		);
		expect(cursorReads).toHaveLength(3);
		for (const query of cursorReads) {
			expect(plan(query).join('\n')).toMatch(
				/posts_user_created_idx \(user_id=\? AND \(created_at,id\)<\(\?,\?\)\)/
			);
		}
	});
});
