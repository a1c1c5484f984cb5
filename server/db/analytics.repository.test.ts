import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../services';
import { AnalyticsRepository, lastDays, utcDay, type DailyActivity } from './analytics.repository';
import { openDatabase, type OpenDatabase } from './open';
import * as schema from './schema';

const dir = mkdtempSync(join(tmpdir(), 't10x-analytics-'));
const NOW = Date.parse('2025-03-10T15:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
/** An instant `n` days before NOW, at the given UTC hour. */
const daysAgo = (n: number, hour = 12) => Date.parse(utcDay(NOW - n * DAY)) + hour * 60 * 60 * 1000;

let database: OpenDatabase;
let repository: AnalyticsRepository;

function seed(sql: string, ...rows: unknown[][]): void {
	const statement = database.sqlite.prepare(sql);
	for (const row of rows) statement.run(...row);
}

beforeAll(() => {
	database = openDatabase(join(dir, 'analytics.sqlite'), MIGRATIONS_DIR);
	repository = new AnalyticsRepository(database.db);
	seed(
		'INSERT INTO users (id, username, password_hash, created_at) VALUES (?, ?, ?, 0)',
		...['ana', 'bob', 'cy', 'dee'].map((id) => [id, id, 'x'])
	);
	seed(
		`INSERT INTO posts (id, user_id, doc_name, visibility, text, created_at, published_at)
		 VALUES (?, ?, 'doc', ?, ?, 0, 0)`,
		['ana1', 'ana', 'public', 'First post by Ana'],
		['ana2', 'ana', 'followers', 'Second post by Ana'],
		['ana3', 'ana', 'public', 'Quiet post'],
		['bob1', 'bob', 'public', 'Bob speaks']
	);
	seed(
		'INSERT INTO likes (user_id, post_id, created_at) VALUES (?, ?, ?)',
		['bob', 'ana1', daysAgo(0, 0)],
		['cy', 'ana1', daysAgo(0, 23)],
		['dee', 'ana1', daysAgo(6)],
		['bob', 'ana2', daysAgo(2)],
		// Outside a 7-day range, an own like, and a like on Bob's post.
		['cy', 'ana2', daysAgo(7, 23)],
		['ana', 'ana1', daysAgo(1)],
		['ana', 'bob1', daysAgo(1)]
	);
	seed(
		`INSERT INTO replies (id, post_id, parent_id, author_id, text, visibility, created_at)
		 VALUES (?, ?, NULL, ?, 'hi', 'public', ?)`,
		['r1', 'ana1', 'bob', daysAgo(1)],
		['r2', 'ana2', 'cy', daysAgo(1)],
		['r3', 'ana1', 'ana', daysAgo(1)],
		['r4', 'bob1', 'ana', daysAgo(1)]
	);
	seed(
		'INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)',
		['bob', 'ana', daysAgo(3)],
		['cy', 'ana', daysAgo(3)],
		['dee', 'ana', daysAgo(40)],
		['ana', 'bob', daysAgo(0)]
	);
	seed(
		'INSERT INTO post_views (post_id, day, count) VALUES (?, ?, ?)',
		['ana1', utcDay(daysAgo(0)), 5],
		['ana3', utcDay(daysAgo(0)), 2],
		['ana1', utcDay(daysAgo(4)), 1],
		['ana1', utcDay(daysAgo(8)), 100],
		['bob1', utcDay(daysAgo(0)), 9]
	);
});
afterAll(() => {
	database.close();
	rmSync(dir, { recursive: true, force: true });
});

const week = () => lastDays(7, NOW);
const zero = (day: string): DailyActivity => ({
	day,
	likes: 0,
	replies: 0,
	followers: 0,
	views: 0
});

describe('AnalyticsRepository.daily', () => {
	it('gives every day of the range, oldest first, with zeros where nothing happened', () => {
		const days = repository.daily('ana', week());
		expect(days.map((d) => d.day)).toEqual([
			'2025-03-04',
			'2025-03-05',
			'2025-03-06',
			'2025-03-07',
			'2025-03-08',
			'2025-03-09',
			'2025-03-10'
		]);
		expect(days).toEqual([
			{ ...zero('2025-03-04'), likes: 1 },
			zero('2025-03-05'),
			{ ...zero('2025-03-06'), views: 1 },
			{ ...zero('2025-03-07'), followers: 2 },
			{ ...zero('2025-03-08'), likes: 1 },
			{ ...zero('2025-03-09'), replies: 2 },
			{ ...zero('2025-03-10'), likes: 2, views: 7 }
		]);
	});

	it('counts a day from UTC midnight to midnight, and nothing outside the range', () => {
		const today = repository.daily('ana', lastDays(1, NOW));
		expect(today).toEqual([{ ...zero('2025-03-10'), likes: 2, views: 7 }]);
		const older = repository.daily('ana', { first: '2025-03-02', last: '2025-03-03' });
		expect(older).toEqual([
			{ ...zero('2025-03-02'), views: 100 },
			{ ...zero('2025-03-03'), likes: 1 }
		]);
	});

	it('leaves out what authors do to their own posts', () => {
		const total = (key: 'likes' | 'replies') =>
			repository.daily('ana', lastDays(30, NOW)).reduce((sum, d) => sum + d[key], 0);
		expect(total('likes')).toBe(5);
		expect(total('replies')).toBe(2);
	});

	it('never mixes one author’s numbers with another’s', () => {
		expect(
			repository.daily('bob', week()).filter((d) => d.likes + d.replies + d.views > 0)
		).toEqual([
			{ ...zero('2025-03-09'), likes: 1, replies: 1 },
			{ ...zero('2025-03-10'), followers: 1, views: 9 }
		]);
		// Dee follows Ana and liked her post: none of it is Dee's own activity.
		expect(repository.daily('dee', week())).toEqual(repository.daily('nobody', week()));
		expect(repository.daily('dee', week()).map((d) => d.day)).toHaveLength(7);
	});

	it('handles a year across a month end and a leap day', () => {
		const year = repository.daily('ana', lastDays(365, Date.parse('2024-03-01T00:00:00Z')));
		expect(year).toHaveLength(365);
		expect(year.map((d) => d.day)).toContain('2024-02-29');
		expect(year.at(-1)?.day).toBe('2024-03-01');
	});
});

describe('AnalyticsRepository.topPosts', () => {
	it('ranks the author’s posts with activity by views, then likes', () => {
		expect(repository.topPosts('ana', week(), 5)).toEqual([
			{
				id: 'ana1',
				text: 'First post by Ana',
				visibility: 'public',
				views: 6,
				likes: 3,
				replies: 1
			},
			{ id: 'ana3', text: 'Quiet post', visibility: 'public', views: 2, likes: 0, replies: 0 },
			{
				id: 'ana2',
				text: 'Second post by Ana',
				visibility: 'followers',
				views: 0,
				likes: 1,
				replies: 1
			}
		]);
		expect(repository.topPosts('ana', week(), 1).map((p) => p.id)).toEqual(['ana1']);
		expect(repository.topPosts('dee', week(), 5)).toEqual([]);
	});
});

describe('AnalyticsRepository.countView', () => {
	it('adds one to the post’s count for the day, creating the row on the first view', () => {
		repository.countView('ana3', '2025-03-11');
		repository.countView('ana3', '2025-03-11');
		repository.countView('ana3', utcDay(daysAgo(0)));
		const rows = database.sqlite
			.prepare("SELECT day, count FROM post_views WHERE post_id = 'ana3' ORDER BY day")
			.all();
		expect(rows).toEqual([
			{ day: '2025-03-10', count: 3 },
			{ day: '2025-03-11', count: 2 }
		]);
	});
});

describe('query plans', () => {
	/** The statements a dashboard read runs, with their bound values, in order. */
	function dashboardQueries(): { sql: string; params: unknown[] }[] {
		const queries: { sql: string; params: unknown[] }[] = [];
		const logged = drizzle(database.sqlite, {
			schema,
			logger: { logQuery: (sql, params) => queries.push({ sql, params }) }
		});
		const reader = new AnalyticsRepository(logged);
		reader.daily('ana', week());
		reader.topPosts('ana', week(), 5);
		return queries;
	}
	const plan = (query: { sql: string; params: unknown[] }) =>
		(
			database.sqlite.prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as {
				detail: string;
			}[]
		).map((row) => row.detail);
	const names = ['likes', 'replies', 'followers', 'views', 'topPosts'] as const;

	it('covers every query of the dashboard', () => {
		expect(dashboardQueries()).toHaveLength(names.length);
	});

	it.each(names.map((name, index) => [name, index] as const))(
		'%s reads through indexes, never scanning a table',
		(name, index) => {
			const details = plan(dashboardQueries()[index]!);
			console.info(`${name}:\n  ${details.join('\n  ')}`);
			// `activity` is the author's own posts, materialised once: scanning it is the point.
			const scans = details.filter((detail) => /^SCAN /.test(detail) && detail !== 'SCAN activity');
			expect(scans).toEqual([]);
			expect(details.join('\n')).toMatch(/SEARCH/);
		}
	);
});
