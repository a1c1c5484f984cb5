import type Database from 'better-sqlite3';
import fc from 'fast-check';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newThoughtId } from '../../sync/ids';
import type { AnalyticsReport } from '../../sync/protocol/analytics';
import { ERROR_CODES } from '../../sync/protocol/api';
import { register, startTestServer, type Account, type TestServer } from './harness';

/**
 * Author analytics against a real server. The social API that writes likes, replies and follows
 * is not here yet, so those rows go straight into the server's SQLite; accounts and post page
 * views go through HTTP.
 */
let t: TestServer;
let sqlite: Database.Database;
let ana: Account;
let bob: Account;
let cy: Account;

const DAY = 24 * 60 * 60 * 1000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
	t = await startTestServer();
	sqlite = t.server.services.database.sqlite;
	[ana, bob, cy] = [await register(t.base), await register(t.base), await register(t.base)];
});
afterAll(() => t?.stop());

async function get(path: string, cookie?: string) {
	const res = await fetch(`${t.base}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
	const text = await res.text();
	const isJson = res.headers.get('content-type')?.startsWith('application/json');
	return { status: res.status, body: isJson ? JSON.parse(text) : text };
}

function insertPost(author: Account, visibility: 'public' | 'followers', text = 'A post'): string {
	const id = newThoughtId();
	sqlite
		.prepare(
			`INSERT INTO posts (id, user_id, doc_name, visibility, text, created_at, published_at)
			 VALUES (?, ?, 'seeded', ?, ?, ?, ?)`
		)
		.run(id, author.userId, visibility, text, Date.now(), Date.now());
	return id;
}

const like = (who: Account, postId: string, at: number) =>
	sqlite
		.prepare('INSERT INTO likes (user_id, post_id, created_at) VALUES (?, ?, ?)')
		.run(who.userId, postId, at);
const reply = (who: Account, postId: string, at: number) =>
	sqlite
		.prepare(
			`INSERT INTO replies (id, post_id, author_id, text, visibility, created_at)
			 VALUES (?, ?, ?, 'Nice', 'public', ?)`
		)
		.run(newThoughtId(at), postId, who.userId, at);
const follow = (who: Account, whom: Account, at: number) =>
	sqlite
		.prepare('INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)')
		.run(who.userId, whom.userId, at);

describe('GET /api/analytics', () => {
	it('answers 401 without a live session', async () => {
		for (const cookie of [undefined, 't10x_session=not-a-token', 't10x_session=']) {
			const res = await get('/api/analytics?days=7', cookie);
			expect(res.status).toBe(401);
			expect(res.body.error.code).toBe('unauthenticated');
		}
	});

	it('answers 400 with a typed error for a range it cannot use', async () => {
		const bad = [
			'0',
			'366',
			'-1',
			'1.5',
			'1e2',
			'0x1e',
			'030',
			'+30',
			'abc',
			'',
			'%20',
			'7&days=30'
		];
		for (const days of bad) {
			const res = await get(`/api/analytics?days=${days}`, ana.cookie);
			expect(res.status, days).toBe(400);
			expect(res.body.error.code).toBe('invalid_body');
			expect(res.body.error.message).toMatch(/^days: /);
		}
	});

	it('covers the last 30 days by default, and any range from 1 to 365 days', async () => {
		const today = utcDay(Date.now());
		for (const [query, length] of [
			['', 30],
			['?days=1', 1],
			['?days=365', 365],
			['?x=1', 30]
		]) {
			const { status, body } = await get(`/api/analytics${query}`, ana.cookie);
			expect(status).toBe(200);
			expect((body as AnalyticsReport).days).toHaveLength(length as number);
			expect((body as AnalyticsReport).days.at(-1)?.day).toBe(today);
		}
	});

	it('reports the caller’s own activity per day, and never another author’s', async () => {
		const now = Date.now();
		const post = insertPost(ana, 'public', 'Ana’s first public thought');
		const other = insertPost(ana, 'followers');
		const bobs = insertPost(bob, 'public');
		like(bob, post, now);
		like(cy, post, now - DAY);
		like(cy, other, now - 10 * DAY);
		like(ana, post, now);
		like(ana, bobs, now);
		reply(bob, post, now - 2 * DAY);
		reply(ana, post, now);
		follow(bob, ana, now - DAY);
		follow(cy, ana, now);
		follow(ana, bob, now);

		const { status, body } = await get('/api/analytics?days=7', ana.cookie);
		expect(status).toBe(200);
		const report = body as AnalyticsReport;
		const zero = { likes: 0, replies: 0, followers: 0, views: 0 };
		const on = (ms: number) => report.days.find((d) => d.day === utcDay(ms));
		expect(report.days).toHaveLength(7);
		expect(on(now)).toEqual({ day: utcDay(now), ...zero, likes: 1, followers: 1 });
		expect(on(now - DAY)).toEqual({ day: utcDay(now - DAY), ...zero, likes: 1, followers: 1 });
		expect(on(now - 2 * DAY)).toEqual({ day: utcDay(now - 2 * DAY), ...zero, replies: 1 });
		expect(report.days.slice(0, 4).every((d) => d.likes + d.replies + d.followers === 0)).toBe(
			true
		);
		expect(report.totals).toEqual({ likes: 2, replies: 1, followers: 2, views: 0 });
		expect(report.topPosts).toEqual([
			{
				id: post,
				excerpt: 'Ana’s first public thought',
				visibility: 'public',
				views: 0,
				likes: 2,
				replies: 1
			}
		]);

		const bobsReport = (await get('/api/analytics?days=7', bob.cookie)).body as AnalyticsReport;
		expect(bobsReport.totals).toEqual({ likes: 1, replies: 0, followers: 1, views: 0 });
		expect(bobsReport.topPosts.map((p) => p.id)).toEqual([bobs]);
		const cysReport = (await get('/api/analytics?days=30', cy.cookie)).body as AnalyticsReport;
		expect(cysReport.totals).toEqual(zero);
		expect(cysReport.topPosts).toEqual([]);
	});

	it('limits each user to 60 requests a minute, without touching others', async () => {
		const dee = await register(t.base);
		for (let i = 0; i < 60; i++) expect((await get('/api/analytics', dee.cookie)).status).toBe(200);
		const limited = await get('/api/analytics', dee.cookie);
		expect(limited.status).toBe(429);
		expect(limited.body.error.code).toBe('rate_limited');
		expect((await get('/api/analytics', cy.cookie)).status).toBe(200);
	});
});

describe('post page views', () => {
	it('count each served public post page for its UTC day, and store nothing but the number', async () => {
		const post = insertPost(cy, 'public', 'Counted');
		const hidden = insertPost(cy, 'followers', 'Not on public pages');
		const page = `/@${cy.username}/${post}`;
		for (let i = 0; i < 3; i++) expect((await get(page)).status).toBe(200);
		expect((await get(page, bob.cookie)).status).toBe(200);
		// The author reading their own post is not an audience.
		for (let i = 0; i < 2; i++) expect((await get(page, cy.cookie)).status).toBe(200);
		expect((await get(`/@${cy.username}/${hidden}`)).status).toBe(404);
		expect((await get(`/@${cy.username}/${newThoughtId()}`)).status).toBe(404);
		expect((await get(`/@${ana.username}/${post}`)).status).toBe(404);

		const columns = sqlite.prepare('PRAGMA table_info(post_views)').all() as { name: string }[];
		expect(columns.map((c) => c.name)).toEqual(['post_id', 'day', 'count']);
		const rows = sqlite
			.prepare('SELECT * FROM post_views WHERE post_id IN (?, ?)')
			.all(post, hidden);
		expect(rows).toEqual([{ post_id: post, day: utcDay(Date.now()), count: 4 }]);

		const report = (await get('/api/analytics?days=1', cy.cookie)).body as AnalyticsReport;
		expect(report.days).toEqual([
			{ day: utcDay(Date.now()), likes: 0, replies: 0, followers: 0, views: 4 }
		]);
		expect(report.topPosts).toMatchObject([{ id: post, views: 4 }]);
	});
});

// ---- Fuzzing ----------------------------------------------------------------------------------

/** Characters node:http sends as they are; the server's parser may still refuse some (400). */
const pathChar = fc.oneof(
	{ arbitrary: fc.constantFrom(..."%0123456789abcdefxyzDAYS-._~!$&'()*+,;=:@/?[]"), weight: 20 },
	{ arbitrary: fc.integer({ min: 0xa1, max: 0xff }).map((c) => String.fromCharCode(c)), weight: 1 }
);
const daysValue = fc.oneof(
	{ arbitrary: fc.integer({ min: -5, max: 400 }).map(String), weight: 4 },
	{
		arbitrary: fc.constantFrom(
			...['', '0', '007', '7', '30', '90', '365', '366', '1e2', '0x1e', '+30', '-0', '1.5'],
			...['30.0', '%2030', '30%20', '%33%30', '%', '%zz', '%00', '%D9%A3%D9%A0', 'NaN'],
			...['Infinity', '9'.repeat(400), '30#frag', '__proto__', 'constructor']
		),
		weight: 3
	},
	{ arbitrary: fc.string({ unit: pathChar, maxLength: 20 }), weight: 2 },
	{ arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent), weight: 2 }
);
const key = fc.constantFrom('days', 'days', 'Days', 'day', 'days[]', 'x', '', '__proto__');
const query = fc.oneof(
	{ arbitrary: daysValue.map((days) => `?days=${days}`), weight: 5 },
	{
		arbitrary: fc
			.array(fc.tuple(key, daysValue), { maxLength: 4 })
			.map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
		weight: 3
	},
	{ arbitrary: fc.string({ unit: pathChar, maxLength: 60 }).map((s) => `?${s}`), weight: 2 },
	{ arbitrary: fc.constantFrom('', '?', '?&&', '?days', '?days=&days='), weight: 1 }
);
const REAL = 'a live session';
const fuzzedRequest = fc.record({
	query,
	method: fc.oneof(
		{ arbitrary: fc.constant('GET'), weight: 12 },
		{ arbitrary: fc.constantFrom('POST', 'DELETE', 'HEAD'), weight: 1 }
	),
	cookie: fc.oneof(
		{ arbitrary: fc.constant(REAL), weight: 6 },
		{ arbitrary: fc.constant(undefined), weight: 1 },
		{
			arbitrary: fc
				.string({ unit: 'grapheme-ascii', maxLength: 80 })
				.map((s) => `t10x_session=${s}`),
			weight: 1
		}
	)
});

function send(method: string, path: string, cookie?: string) {
	return new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
		const req = request(
			{
				host: '127.0.0.1',
				port: t.server.port,
				method,
				path,
				headers: cookie ? { Cookie: cookie } : {}
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('error', reject);
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						type: String(res.headers['content-type'] ?? ''),
						text: Buffer.concat(chunks).toString('utf8')
					})
				);
			}
		);
		req.on('error', reject);
		req.end();
	});
}

const isCounts = (v: Record<string, unknown>) =>
	['likes', 'replies', 'followers', 'views'].every(
		(k) => Number.isInteger(v[k]) && Number(v[k]) >= 0
	);
const isReport = (v: AnalyticsReport) =>
	v.days.length >= 1 &&
	v.days.length <= 365 &&
	v.days.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.day) && isCounts({ ...d })) &&
	isCounts({ ...v.totals }) &&
	Array.isArray(v.topPosts);

it('never answers 5xx or an untyped error, whatever the query (500 generated)', async () => {
	// Enough accounts that the per-user limit (60 a minute) leaves room for the success path.
	const accounts = await Promise.all(Array.from({ length: 10 }, () => register(t.base)));
	const seen = new Map<number, number>();
	let next = 0;
	await fc.assert(
		fc.asyncProperty(fuzzedRequest, async ({ query, method, cookie }) => {
			const sent = cookie === REAL ? accounts[next++ % accounts.length].cookie : cookie;
			const answer = await send(method, `/api/analytics${query}`, sent);
			seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
			expect(answer.status, `${method} ${query}: ${answer.text}`).toBeLessThan(500);
			expect(answer.text).not.toMatch(/\bat\s[^\n]*(?:\/|\\|node:)[^\n]*:\d+/);
			if (method === 'HEAD' || answer.text === '') return;
			expect(answer.type).toMatch(/^application\/json/);
			const body = JSON.parse(answer.text);
			if (answer.status === 200) expect(isReport(body), answer.text).toBe(true);
			else expect(ERROR_CODES).toContain(body.error.code);
		}),
		{ seed: 6106, numRuns: 500 }
	);
	console.info(`analytics fuzz statuses: ${[...seen].map(([s, n]) => `${s}×${n}`).join(', ')}`);
	for (const status of [200, 400, 401]) expect(seen.get(status) ?? 0).toBeGreaterThan(0);
	expect((await send('GET', '/healthz')).status).toBe(200);
}, 60_000);
