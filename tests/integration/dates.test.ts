import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addThought } from '../../sync/doc/shard-doc';
import { newThoughtId, type ThoughtId } from '../../sync/ids';
import type { FeedPage } from '../../sync/protocol/social';
import { CLOCK_SKEW_MS, LATEST_TIME } from '../../sync/time';
import { register, startTestServer, type Account, type TestServer } from './harness';
import { publisher, waitUntil, type Publisher } from './publisher';

/**
 * Dates at every edge: a peer writes thoughts whose createdAt is outside JavaScript's Date range,
 * negative or not a number, and one dated at the end of year 9999. The relay accepts the update
 * (it is valid Yjs), but materialisation refuses the bad ones and clamps the far-future one, and
 * no public surface fails.
 */
const BAD_TIMES = [NaN, Infinity, -Infinity, 8.64e15 + 1, 8.7e15, -5];

let t: TestServer;
let ana: Publisher;
let fay: Account;
const bad: ThoughtId[] = [];
let farFuture: ThoughtId;

const get = async (path: string, who?: Account) => {
	const res = await fetch(`${t.base}${path}`, { headers: who ? { Cookie: who.cookie } : {} });
	return { status: res.status, body: await res.text() };
};

beforeAll(async () => {
	t = await startTestServer();
	ana = await publisher(t, `ana_${process.pid}`);
	fay = await register(t.base, `fay_${process.pid}`);
	const follow = await fetch(`${t.base}/api/follows`, {
		method: 'POST',
		headers: { Cookie: fay.cookie, Origin: t.base, 'Content-Type': 'application/json' },
		body: JSON.stringify({ handle: ana.account.username })
	});
	expect(follow.status).toBe(204);

	const write = (text: string, createdAt: number) => {
		const id = newThoughtId();
		addThought(ana.shard, id, { text, createdAt, visibility: 'public', pinned: false });
		return id;
	};
	for (const [i, time] of BAD_TIMES.entries()) bad.push(write(`BAD-DATE-${i}`, time));
	farFuture = write('FAR-FUTURE', LATEST_TIME);
	write('ORDINARY', Date.now());
	await waitUntil(
		async () => (await get(`/@${ana.account.username}`)).body.includes('ORDINARY'),
		'the ordinary post'
	);
});
afterAll(async () => {
	ana?.device.destroy();
	await t?.stop();
});

describe('dates at the edges', () => {
	it('every public surface answers, showing the valid posts only', async () => {
		const profile = await get(`/@${ana.account.username}`);
		expect(profile.status).toBe(200);
		expect(profile.body).toContain('FAR-FUTURE');
		expect(profile.body).not.toContain('BAD-DATE');
		const rss = await get(`/@${ana.account.username}/rss.xml`);
		expect(rss.status).toBe(200);
		expect(rss.body).not.toContain('BAD-DATE');
		expect(rss.body).not.toContain('Invalid Date');
		expect((await get(`/@${ana.account.username}/${farFuture}`)).status).toBe(200);
		for (const id of bad) expect((await get(`/@${ana.account.username}/${id}`)).status).toBe(404);
	});

	it('a far-future date is clamped to its publication, so it cannot stay on top', async () => {
		const api = await get(`/api/profiles/${ana.account.username}/posts`, fay);
		expect(api.status).toBe(200);
		const far = (JSON.parse(api.body) as FeedPage).posts.find((p) => p.id === farFuture);
		expect(far?.createdAt).toBeLessThanOrEqual(Date.now() + CLOCK_SKEW_MS);
		const feed = await get('/api/feed', fay);
		expect(feed.status).toBe(200);
		const texts = (JSON.parse(feed.body) as FeedPage).posts.map((p) => p.text);
		expect(texts.sort()).toEqual(['FAR-FUTURE', 'ORDINARY']);
	});
});
