import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addThought,
	removeThought,
	setThoughtText,
	setVisibility,
	type Visibility
} from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type ThoughtId, type UserId } from '../../sync/ids';
import {
	connectClient,
	register,
	settled,
	startTestServer,
	type Account,
	type Client,
	type TestServer
} from './harness';

/**
 * Publishing: thoughts marked public reach `/@handle`, their post page and RSS once the relay
 * stores their shard; private and followers-only ones never reach these public pages, and
 * unpublishing or deleting removes them at the next store.
 */
let t: TestServer;
let ana: Account;
let device: Client;
let shard: Y.Doc;

const page = async (path: string) => {
	const res = await fetch(`${t.base}${path}`);
	return {
		status: res.status,
		type: res.headers.get('content-type'),
		csp: res.headers.get('content-security-policy'),
		body: await res.text()
	};
};
const write = (text: string, visibility: Visibility, createdAt = Date.now()) => {
	const id = newThoughtId(createdAt);
	addThought(shard, id, { text, createdAt, visibility, pinned: false });
	return id;
};
/** The relay stores 2 s after the last change; polls until the public page shows the state. */
async function untilProfile(check: (html: string) => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 15_000;
	while (Date.now() < deadline) {
		if (check((await page(`/@${ana.username}`)).body)) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`the profile never showed ${what}`);
}

beforeAll(async () => {
	t = await startTestServer();
	ana = await register(t.base, `ana_${process.pid}`);
	device = connectClient(t, ana);
	const provider = device.open(shardDocName(ana.userId as UserId, 0));
	await settled(provider);
	shard = provider.document;
});
afterAll(async () => {
	device?.destroy();
	await t?.stop();
});

describe('public pages', () => {
	let publicId: ThoughtId;
	let followersId: ThoughtId;
	let privateId: ThoughtId;

	it('show public thoughts and nothing else, on the profile, the post page and RSS', async () => {
		publicId = write('Hello world, this one is public <script>alert(1)</script>', 'public');
		followersId = write('Only for my followers', 'followers');
		privateId = write('A private note', 'private');
		await untilProfile((html) => html.includes('Hello world'), 'the public thought');

		const profile = await page(`/@${ana.username}`);
		expect(profile.status).toBe(200);
		expect(profile.type).toBe('text/html; charset=utf-8');
		expect(profile.csp).toContain("default-src 'none'");
		expect(profile.body).toContain('aria-label="Posts"');
		expect(profile.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(profile.body).not.toContain('<script');
		expect(profile.body).toContain('<meta property="og:title"');
		expect(profile.body).toContain(
			`href="http://127.0.0.1:${t.server.port}/@${ana.username}/rss.xml"`
		);
		for (const hidden of ['Only for my followers', 'A private note']) {
			expect(profile.body).not.toContain(hidden);
		}

		const post = await page(`/@${ana.username}/${publicId}`);
		expect(post.status).toBe(200);
		expect(post.body).toContain('Hello world, this one is public');
		expect(post.body).toContain('<meta property="og:type" content="article">');
		for (const id of [followersId, privateId, newThoughtId()]) {
			const hidden = await page(`/@${ana.username}/${id}`);
			expect(hidden.status).toBe(404);
			expect(hidden.body).not.toMatch(/followers|private note/i);
		}

		const rss = await page(`/@${ana.username}/rss.xml`);
		expect(rss.type).toBe('application/rss+xml; charset=utf-8');
		expect(rss.body).toContain(
			`<guid isPermaLink="true">http://127.0.0.1:${t.server.port}/@${ana.username}/${publicId}</guid>`
		);
		expect(rss.body).not.toContain('<script');
		expect(rss.body).not.toMatch(/followers|private note/i);
	});

	it('marks edits and drops what is unpublished or deleted at the next store', async () => {
		setThoughtText(shard, publicId, 'Hello world, edited');
		await untilProfile(
			(html) => html.includes('Hello world, edited') && html.includes('edited</span>'),
			'the edit'
		);

		setVisibility(shard, followersId, 'public');
		setVisibility(shard, publicId, 'private');
		await untilProfile(
			(html) => html.includes('Only for my followers') && !html.includes('Hello world'),
			'the switch'
		);
		expect((await page(`/@${ana.username}/${publicId}`)).status).toBe(404);
		expect((await page(`/@${ana.username}/rss.xml`)).body).not.toContain('Hello world');

		removeThought(shard, followersId);
		await untilProfile((html) => html.includes('No public posts yet.'), 'the deletion');
	});

	it('paginates newest first with a cursor', async () => {
		const base = Date.UTC(2026, 0, 1);
		const ids = Array.from({ length: 25 }, (_, i) =>
			write(`Numbered post ${i}`, 'public', base + i * 1000)
		);
		await untilProfile((html) => html.includes('Numbered post 24'), 'the numbered posts');
		const first = await page(`/@${ana.username}`);
		expect(first.body).toContain('Numbered post 5');
		expect(first.body).not.toContain('Numbered post 4<');
		const next = /href="http:\/\/[^"]+(\/@[^"?]+\?before=[^"]+)" rel="next"/.exec(first.body);
		expect(next).not.toBeNull();
		const second = await page(next![1]);
		expect(second.body).toContain('Numbered post 4');
		expect(second.body).toContain('Numbered post 0');
		expect(second.body).not.toContain('rel="next"');
		expect(ids).toHaveLength(25);
		expect((await page(`/@${ana.username}?before=garbage`)).status).toBe(404);
	});

	it('answers unknown handles and ids with a 404 page', async () => {
		expect((await page('/@nobody_here')).status).toBe(404);
		expect((await page(`/@${ana.username}/not-an-id`)).status).not.toBe(200);
	});

	it("never lets one user's document overwrite another user's post", async () => {
		const eve = await register(t.base, `eve_${process.pid}`);
		const eveDevice = connectClient(t, eve);
		try {
			const provider = eveDevice.open(shardDocName(eve.userId as UserId, 0));
			await settled(provider);
			const stolen = write('Ana wrote this, publicly', 'public');
			await untilProfile((html) => html.includes('Ana wrote this'), 'ana post');
			addThought(provider.document, stolen, {
				text: 'Eve rewrote it',
				createdAt: Date.now(),
				visibility: 'public',
				pinned: false
			});
			addThought(provider.document, newThoughtId(), {
				text: 'Eve publishes in the same shard',
				createdAt: Date.now(),
				visibility: 'public',
				pinned: false
			});
			await settled(provider);
			// Her shard was stored (and materialised) once her own post shows.
			const deadline = Date.now() + 15_000;
			while (!(await page(`/@${eve.username}`)).body.includes('Eve publishes')) {
				if (Date.now() > deadline) throw new Error("eve's shard was never stored");
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
			const post = await page(`/@${ana.username}/${stolen}`);
			expect(post.body).toContain('Ana wrote this, publicly');
			expect(post.body).not.toContain('Eve rewrote it');
			expect((await page(`/@${eve.username}/${stolen}`)).status).toBe(404);
		} finally {
			eveDevice.destroy();
		}
	});

	it('never answers 5xx to generated paths, cursors and Host headers', async () => {
		const statuses = new Map<number, number>();
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(fc.constant(ana.username), fc.stringMatching(/^[a-z0-9_]{1,40}$/)),
				fc.oneof(
					fc.constant(''),
					fc.constant('/rss.xml'),
					fc.string({ maxLength: 40 }).map((tail) => `/${encodeURIComponent(tail)}`),
					fc.string({ maxLength: 40 }).map((cursor) => `?before=${encodeURIComponent(cursor)}`),
					fc.tuple(fc.nat(), fc.string()).map(([n, id]) => `?before=${n}-${encodeURIComponent(id)}`)
				),
				fc.oneof(fc.constant(undefined), fc.string({ maxLength: 60 })),
				async (handle, tail, host) => {
					const headers: Record<string, string> = {};
					if (host !== undefined && /^[\x21-\x7e]+$/.test(host)) headers.Host = host;
					const res = await fetch(`${t.base}/@${handle}${tail}`, { headers });
					statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
					const body = await res.text();
					expect(res.status).toBeLessThan(500);
					expect(body).not.toContain('<script');
				}
			),
			{ numRuns: 500, seed: 20261126 }
		);
		console.log('public pages fuzz statuses', Object.fromEntries(statuses));
	});

	it('rate limits public pages per client address', async () => {
		const limited = await startTestServer({ publicPagesPerMinute: 5 });
		try {
			const statuses = [];
			for (let i = 0; i < 7; i++)
				statuses.push((await fetch(`${limited.base}/@nobody_here`)).status);
			expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
		} finally {
			await limited.stop();
		}
	});
});
