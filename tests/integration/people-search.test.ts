import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE_PAGE_SIZE, type PeoplePage } from '../../sync/protocol/social';
import { register, startTestServer, type Account, type TestServer } from './harness';

/**
 * People search (GET /api/people): a handle prefix, answered from the username index.
 * Rules under test: signed-in only; whoever blocked the searcher is not found (someone the
 * searcher blocked still is, so they can be found again to unblock); the answer carries the
 * public card only (handle, display name, whether there is an avatar); pages of
 * PEOPLE_PAGE_SIZE in handle order; input capped and limited to handle characters.
 */
let t: TestServer;
/** Unique per run, so handles never collide with another file's accounts. */
const tag = `p${process.pid.toString(36)}`;
const handle = (name: string) => `${tag}_${name}`;
const people: Record<string, Account> = {};
const PNG = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), Buffer.alloc(24, 1)]);

async function call(who: Account | null, method: string, path: string, body?: BodyInit) {
	const headers: Record<string, string> = { Origin: t.base };
	if (who) headers.Cookie = who.cookie;
	if (typeof body === 'string') headers['Content-Type'] = 'application/json';
	const res = await fetch(`${t.base}${path}`, { method, headers, body });
	const text = await res.text();
	return { status: res.status, json: text ? JSON.parse(text) : null };
}
const search = (who: Account | null, query: string) => call(who, 'GET', `/api/people?${query}`);
const handles = (page: PeoplePage) => page.people.map((person) => person.handle);

beforeAll(async () => {
	t = await startTestServer();
	for (const name of ['me', 'ana', 'anabel', 'bob', 'blocker', 'blocked']) {
		people[name] = await register(t.base, handle(name));
	}
	const named = await call(
		people.ana,
		'PUT',
		'/api/profile',
		JSON.stringify({ displayName: 'Ana Lima', bio: 'Private-ish bio text' })
	);
	expect(named.status).toBe(204);
	expect((await call(people.ana, 'PUT', '/api/profile/avatar', PNG)).status).toBe(204);
	const block = (who: Account, whom: string) =>
		call(who, 'POST', '/api/blocks', JSON.stringify({ handle: whom }));
	expect((await block(people.blocker, handle('me'))).status).toBe(204);
	expect((await block(people.me, handle('blocked'))).status).toBe(204);
}, 60_000);

afterAll(() => t?.stop());

describe('people search', () => {
	it('finds people by the start of their handle, in handle order, with their public card', async () => {
		const answer = await search(people.me, `q=${handle('ana')}`);
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({
			people: [
				{ handle: handle('ana'), displayName: 'Ana Lima', hasAvatar: true },
				{ handle: handle('anabel'), displayName: '', hasAvatar: false }
			],
			next: null
		});
	});

	it('never carries private data: only handle, display name and whether there is an avatar', async () => {
		const answer = await search(people.bob, `q=${tag}`);
		expect(answer.status).toBe(200);
		const page = answer.json as PeoplePage;
		expect(page.people.length).toBeGreaterThan(3);
		for (const person of page.people) {
			expect(Object.keys(person).sort()).toEqual(['displayName', 'handle', 'hasAvatar']);
		}
		const text = JSON.stringify(page);
		expect(text).not.toContain('Private-ish bio');
		for (const account of Object.values(people)) expect(text).not.toContain(account.userId);
	});

	it('takes a leading @ and capitals as a person types them', async () => {
		const answer = await search(
			people.me,
			`q=${encodeURIComponent(`@${handle('BO').toUpperCase()}`)}`
		);
		expect(answer.status).toBe(200);
		expect(handles(answer.json)).toEqual([handle('bob')]);
	});

	it('hides whoever blocked the searcher, and still finds someone the searcher blocked', async () => {
		const mine = handles((await search(people.me, `q=${tag}`)).json);
		expect(mine).not.toContain(handle('blocker'));
		expect(mine).toContain(handle('blocked'));
		// The blocker is found by everyone else.
		expect(handles((await search(people.bob, `q=${handle('bl')}`)).json)).toEqual([
			handle('blocked'),
			handle('blocker')
		]);
	});

	it('pages through many matches once each, in order', async () => {
		const crowd = Array.from({ length: PEOPLE_PAGE_SIZE + 5 }, (_, i) =>
			handle(`c${String(i).padStart(2, '0')}`)
		);
		for (const name of crowd) await register(t.base, name);
		const first = (await search(people.me, `q=${handle('c')}`)).json as PeoplePage;
		expect(handles(first)).toEqual(crowd.slice(0, PEOPLE_PAGE_SIZE));
		expect(first.next).toBe(crowd[PEOPLE_PAGE_SIZE - 1]);
		const second = (await search(people.me, `q=${handle('c')}&after=${first.next}`))
			.json as PeoplePage;
		expect(handles(second)).toEqual(crowd.slice(PEOPLE_PAGE_SIZE));
		expect(second.next).toBeNull();
	}, 60_000);

	it('answers no match with an empty page', async () => {
		const answer = await search(people.me, `q=${handle('zzz')}`);
		expect(answer).toEqual({ status: 200, json: { people: [], next: null } });
	});

	it.each([
		['no query', ''],
		['an empty query', 'q='],
		['only spaces', 'q=%20%20'],
		['a query longer than any handle', `q=${'a'.repeat(33)}`],
		['a LIKE wildcard', 'q=a%25'],
		['an underscore wildcard in disguise', 'q=a%5C_'],
		['a space inside', 'q=ana%20lima'],
		['a quote', "q=ana'"],
		['a malformed page cursor', `q=${tag}&after=NOT_A_HANDLE!`]
	])('refuses %s with a 400', async (_what, query) => {
		const answer = await search(people.me, query);
		expect(answer.status).toBe(400);
		expect(answer.json.error.code).toBe('invalid_body');
	});

	it('answers any query with a page of matching handles or a typed 400, never a 5xx', async () => {
		const text = fc.oneof(
			fc.string({ unit: 'grapheme', maxLength: 40 }),
			fc.stringMatching(/^@?[a-zA-Z0-9_]{1,34}$/),
			fc.constantFrom(tag, `${tag}_`, '%', '_', '\\', "'", '--')
		);
		await fc.assert(
			fc.asyncProperty(text, fc.option(text), async (q, after) => {
				const params = new URLSearchParams({ q });
				if (after !== null) params.set('after', after);
				const answer = await search(people.me, params.toString());
				expect([200, 400]).toContain(answer.status);
				if (answer.status === 400) {
					expect(answer.json.error.code).toBe('invalid_body');
					return;
				}
				const prefix = q.trim().toLowerCase().replace(/^@/, '');
				const found = handles(answer.json);
				expect(found.length).toBeLessThanOrEqual(PEOPLE_PAGE_SIZE);
				for (const one of found) {
					expect(one.startsWith(prefix)).toBe(true);
					if (after) expect(one > after).toBe(true);
				}
			}),
			{ seed: 1717, numRuns: 200 }
		);
	}, 60_000);

	it('is for signed-in people only', async () => {
		const answer = await search(null, `q=${tag}`);
		expect(answer.status).toBe(401);
	});
});

describe('followers and following lists', () => {
	it('carry each person’s card, so lists show names and avatars, not bare handles', async () => {
		const follow = await call(
			people.ana,
			'POST',
			'/api/follows',
			JSON.stringify({ handle: handle('bob') })
		);
		expect(follow.status).toBe(204);
		const followers = await call(people.me, 'GET', `/api/profiles/${handle('bob')}/followers`);
		expect(followers.json).toEqual({
			handles: [handle('ana')],
			people: [{ handle: handle('ana'), displayName: 'Ana Lima', hasAvatar: true }]
		});
		const following = await call(people.me, 'GET', `/api/profiles/${handle('ana')}/following`);
		expect(following.json.people).toEqual([
			{ handle: handle('bob'), displayName: '', hasAvatar: false }
		]);
	});
});

describe('people search rate limit', () => {
	let limited: TestServer;
	beforeAll(async () => {
		limited = await startTestServer({ social: { readsPerMinute: 3, writesPerMinute: 100 } });
	});
	afterAll(() => limited?.stop());

	it('counts against the social read budget like every other social read', async () => {
		const me = await register(limited.base, handle('rl'));
		const statuses: number[] = [];
		for (let i = 0; i < 5; i++) {
			const res = await fetch(`${limited.base}/api/people?q=${tag}`, {
				headers: { Cookie: me.cookie }
			});
			statuses.push(res.status);
			await res.arrayBuffer();
		}
		expect(statuses).toEqual([200, 200, 200, 429, 429]);
	});
});
