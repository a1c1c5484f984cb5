import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Y from 'yjs';
import { addThought, setVisibility, type Visibility } from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type ThoughtId, type UserId } from '../../sync/ids';
import type { FeedPage, NotificationsPage, Thread } from '../../sync/protocol/social';
import type { PushMessage } from '../../server/services/push-delivery';
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
 * The social layer's leak tests. Ana publishes a public, a followers-only and a private thought;
 * readers in every relation to her (follower, muting follower, blocked ex-follower, stranger,
 * anonymous) read every surface (feed, profile API, thread API, profile HTML, post pages, RSS,
 * notifications) and must see exactly what their relation allows.
 */
let t: TestServer;
let device: Client;
let shard: Y.Doc;
const people: Record<string, Account> = {};
const post: Record<'pub' | 'fol' | 'priv', ThoughtId> = {} as never;
/** Every push the server sent in this file, by recipient: checked against the matrix at the end. */
const pushed: { userId: string; message: PushMessage }[] = [];

type Reader = 'ana' | 'fay' | 'max' | 'bob' | 'sam' | 'anon';

async function call(who: Reader, method: string, path: string, body?: unknown, key?: string) {
	const headers: Record<string, string> = { Origin: t.base };
	if (who !== 'anon') headers.Cookie = people[who].cookie;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	if (key) headers['Idempotency-Key'] = key;
	const res = await fetch(`${t.base}${path}`, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await res.text();
	const isJson = res.headers.get('content-type')?.startsWith('application/json');
	return { status: res.status, text, json: isJson ? JSON.parse(text) : null };
}
const get = (who: Reader, path: string) => call(who, 'GET', path);

/** Everything a reader can get that might carry Ana's text. */
async function everything(who: Reader): Promise<string> {
	const handle = people.ana.username;
	const paths = [
		`/api/profiles/${handle}`,
		`/api/profiles/${handle}/posts`,
		...Object.values(post).map((id) => `/api/posts/${id}`),
		`/@${handle}`,
		`/@${handle}/rss.xml`,
		...Object.values(post).map((id) => `/@${handle}/${id}`)
	];
	if (who !== 'anon') paths.push('/api/feed', '/api/notifications');
	const answers = await Promise.all(paths.map((path) => get(who, path)));
	return answers.map((answer) => answer.text).join('\n');
}

async function publish(text: string, visibility: Visibility): Promise<ThoughtId> {
	const id = newThoughtId();
	addThought(shard, id, { text, createdAt: Date.now(), visibility, pinned: false });
	return id;
}

/** Posts are materialised when the relay stores the shard (~2 s): poll Ana's own view. */
async function untilAna(check: (page: FeedPage) => boolean, what: string) {
	const deadline = Date.now() + 15_000;
	while (Date.now() < deadline) {
		const page = (await get('ana', `/api/profiles/${people.ana.username}/posts`)).json;
		if (check(page)) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`never saw ${what}`);
}

beforeAll(async () => {
	t = await startTestServer();
	vi.spyOn(t.server.services.push, 'deliver').mockImplementation((userId, message) => {
		pushed.push({ userId, message });
	});
	for (const name of ['ana', 'fay', 'max', 'bob', 'sam']) {
		people[name] = await register(t.base, `${name}_${process.pid}`);
	}
	device = connectClient(t, people.ana);
	const provider = device.open(shardDocName(people.ana.userId as UserId, 0));
	await settled(provider);
	shard = provider.document;

	const ana = people.ana.username;
	expect(
		(await call('fay', 'POST', '/api/follows', { handle: ana, notifyPosts: true })).status
	).toBe(204);
	expect((await call('max', 'POST', '/api/follows', { handle: ana })).status).toBe(204);
	expect((await call('max', 'POST', '/api/mutes', { handle: ana })).status).toBe(204);
	expect(
		(await call('bob', 'POST', '/api/follows', { handle: ana, notifyPosts: true })).status
	).toBe(204);
	expect((await call('ana', 'POST', '/api/blocks', { handle: people.bob.username })).status).toBe(
		204
	);

	post.pub = await publish('PUBLIC-MARKER for everyone', 'public');
	post.fol = await publish('FOLLOWERS-MARKER for followers', 'followers');
	post.priv = await publish('PRIVATE-MARKER for me', 'private');
	await untilAna((page) => page.posts.length === 2, 'both published posts');
});
afterAll(async () => {
	device?.destroy();
	await t?.stop();
});

describe('who sees what', () => {
	const expected: Record<Reader, { pub: boolean; fol: boolean }> = {
		ana: { pub: true, fol: true },
		fay: { pub: true, fol: true },
		max: { pub: true, fol: true },
		bob: { pub: true, fol: false },
		sam: { pub: true, fol: false },
		anon: { pub: true, fol: false }
	};

	for (const [reader, sees] of Object.entries(expected) as [
		Reader,
		{ pub: boolean; fol: boolean }
	][]) {
		it(`${reader}: public ${sees.pub ? 'shown' : 'hidden'}, followers-only ${sees.fol ? 'shown' : 'hidden'}, private never`, async () => {
			const all = await everything(reader);
			expect(all.includes('PUBLIC-MARKER')).toBe(sees.pub);
			expect(all.includes('FOLLOWERS-MARKER')).toBe(sees.fol);
			expect(all).not.toContain('PRIVATE-MARKER');
		});
	}

	it('the feed holds followed people only, minus muted ones', async () => {
		const texts = async (who: Reader) =>
			((await get(who, '/api/feed')).json as FeedPage).posts.map((p) => p.text);
		expect(await texts('fay')).toEqual([
			'FOLLOWERS-MARKER for followers',
			'PUBLIC-MARKER for everyone'
		]);
		expect(await texts('max')).toEqual([]);
		expect(await texts('sam')).toEqual([]);
		expect(await texts('bob')).toEqual([]);
		expect((await get('anon', '/api/feed')).status).toBe(401);
	});

	it('alerts only followers who asked, about posts they may read', async () => {
		const fay = (await get('fay', '/api/notifications')).json as NotificationsPage;
		expect(
			fay.notifications
				.filter((n) => n.type === 'post')
				.map((n) => n.postId)
				.sort()
		).toEqual([post.pub, post.fol].sort());
		expect(fay.unread).toBe(2);
		const bob = (await get('bob', '/api/notifications')).json as NotificationsPage;
		expect(bob.notifications).toEqual([]);
		const ana = (await get('ana', '/api/notifications')).json as NotificationsPage;
		// Fay and Max followed; Bob's follow notification goes with the block.
		expect(ana.notifications.map((n) => n.actor.handle).sort()).toEqual(
			[people.fay.username, people.max.username].sort()
		);
	});

	it('blocks: no following, liking or replying', async () => {
		const ana = people.ana.username;
		expect((await call('bob', 'POST', '/api/follows', { handle: ana })).status).toBe(403);
		expect((await call('bob', 'POST', `/api/posts/${post.fol}/like`)).status).toBe(404);
		expect(
			(await call('bob', 'POST', `/api/posts/${post.pub}/replies`, { text: 'hi' })).status
		).toBe(403);
	});

	it('blocks cover likes: a like/unlike loop is refused and tells the blocker nothing', async () => {
		const statuses = [];
		for (let i = 0; i < 5; i++) {
			statuses.push((await call('bob', 'POST', `/api/posts/${post.pub}/like`)).status);
			statuses.push((await call('bob', 'DELETE', `/api/posts/${post.pub}/like`)).status);
		}
		expect(statuses).toEqual(Array(10).fill(403));
		const { notifications } = (await get('ana', '/api/notifications')).json as NotificationsPage;
		expect(notifications.filter((n) => n.actor?.handle === people.bob.username)).toEqual([]);
		expect((await get('anon', `/api/posts/${post.pub}`)).json.post.likeCount).toBe(0);
	});
});

describe('likes and replies', () => {
	it('likes are idempotent and counted once, and tell the author', async () => {
		const first = await call('fay', 'POST', `/api/posts/${post.pub}/like`);
		const again = await call('fay', 'POST', `/api/posts/${post.pub}/like`);
		expect(first.json).toEqual({ liked: true, likeCount: 1 });
		expect(again.json).toEqual({ liked: true, likeCount: 1 });
		const likes = (
			(await get('ana', '/api/notifications')).json as NotificationsPage
		).notifications.filter((n) => n.type === 'like');
		expect(likes).toHaveLength(1);
		expect((await call('fay', 'DELETE', `/api/posts/${post.pub}/like`)).json).toEqual({
			liked: false,
			likeCount: 0
		});
	});

	it('replies are never more visible than their post, and reach only its audience', async () => {
		const onFollowers = await call('sam', 'POST', `/api/posts/${post.fol}/replies`, { text: 'x' });
		expect(onFollowers.status).toBe(404);
		const capped = await call('fay', 'POST', `/api/posts/${post.fol}/replies`, {
			text: 'REPLY-ON-FOLLOWERS asked public',
			visibility: 'public'
		});
		expect(capped.status).toBe(201);
		expect(capped.json.reply.visibility).toBe('followers');
		const followersReply = await call('fay', 'POST', `/api/posts/${post.pub}/replies`, {
			text: 'REPLY-FOR-FOLLOWERS on the public post',
			visibility: 'followers'
		});
		const nested = await call('sam', 'POST', `/api/posts/${post.pub}/replies`, {
			text: 'REPLY-NESTED public under a followers reply',
			parentId: followersReply.json.reply.id
		});
		expect(nested.status).toBe(404);
		const open = await call('sam', 'POST', `/api/posts/${post.pub}/replies`, {
			text: 'REPLY-OPEN by sam'
		});
		expect(open.status).toBe(201);

		for (const who of ['ana', 'fay', 'max'] as Reader[]) {
			const all = await everything(who);
			expect(all, who).toContain('REPLY-FOR-FOLLOWERS');
			expect(all, who).toContain('REPLY-ON-FOLLOWERS');
			expect(all, who).toContain('REPLY-OPEN');
		}
		for (const who of ['sam', 'bob', 'anon'] as Reader[]) {
			const all = await everything(who);
			expect(all, who).not.toContain('REPLY-FOR-FOLLOWERS');
			expect(all, who).not.toContain('REPLY-ON-FOLLOWERS');
			expect(all, who).toContain('REPLY-OPEN');
		}
		const thread = (await get('anon', `/api/posts/${post.pub}`)).json as Thread;
		expect(thread.post.replyCount).toBe(1);
		expect(thread.replies.map((r) => r.text)).toEqual(['REPLY-OPEN by sam']);
	});

	it('a replayed idempotency key applies once and answers the same', async () => {
		const key = 'replay-key-0123456789';
		const path = `/api/posts/${post.pub}/replies`;
		const first = await call('max', 'POST', path, { text: 'once only' }, key);
		const second = await call('max', 'POST', path, { text: 'once only' }, key);
		expect(second.status).toBe(first.status);
		expect(second.json).toEqual(first.json);
		const thread = (await get('max', `/api/posts/${post.pub}`)).json as Thread;
		expect(thread.replies.filter((r) => r.text === 'once only')).toHaveLength(1);
	});

	it('two tries with one key sent together apply once (the second waits for the first)', async () => {
		const key = 'together-key-0123456789';
		const path = `/api/posts/${post.pub}/replies`;
		const tries = await Promise.all(
			[0, 1, 2].map(() => call('max', 'POST', path, { text: 'sent three times at once' }, key))
		);
		expect(new Set(tries.map((t) => t.status))).toEqual(new Set([201]));
		expect(tries[1].json).toEqual(tries[0].json);
		const thread = (await get('max', `/api/posts/${post.pub}`)).json as Thread;
		expect(thread.replies.filter((r) => r.text === 'sent three times at once')).toHaveLength(1);
	});
});

describe('unpublishing', () => {
	it('removes a post, its replies and its notifications everywhere at the next store', async () => {
		setVisibility(shard, post.pub, 'private');
		await untilAna((page) => page.posts.every((p) => p.id !== post.pub), 'the post gone');
		for (const who of ['ana', 'fay', 'max', 'bob', 'sam', 'anon'] as Reader[]) {
			const all = await everything(who);
			expect(all, who).not.toContain('PUBLIC-MARKER');
			expect(all, who).not.toContain('REPLY-OPEN');
		}
		const fay = (await get('fay', '/api/notifications')).json as NotificationsPage;
		expect(fay.notifications.map((n) => n.postId)).toEqual([post.fol]);
	});
});

describe('push payloads', () => {
	it('carry only what their recipient may read', () => {
		const who = (userId: string) =>
			Object.entries(people).find(([, account]) => account.userId === userId)![0];
		const sent = pushed.map(({ userId, message }) => ({
			to: who(userId),
			text: `${message.title} ${message.body}`
		}));
		// Fay asked for alerts: both posts; Bob was blocked before they were published: nothing.
		expect(sent.filter((p) => p.text.includes('FOLLOWERS-MARKER')).map((p) => p.to)).toEqual([
			'fay'
		]);
		expect(sent.filter((p) => p.to === 'bob')).toEqual([]);
		// Bob's refused likes sent Ana nothing either.
		const likesFromBob = sent.filter(
			(p) => p.text.startsWith('New like') && p.text.includes(people.bob.username)
		);
		expect(likesFromBob).toEqual([]);
		expect(sent.some((p) => p.text.includes('PRIVATE-MARKER'))).toBe(false);
		// Replies meant for Ana's followers reach Ana (the author) only.
		for (const marker of ['REPLY-FOR-FOLLOWERS', 'REPLY-ON-FOLLOWERS']) {
			expect(new Set(sent.filter((p) => p.text.includes(marker)).map((p) => p.to))).toEqual(
				new Set(['ana'])
			);
		}
		for (const { message } of pushed) {
			expect(Object.keys(message).sort()).toEqual(['body', 'title', 'type', 'url']);
		}
		expect(pushed.length).toBeGreaterThan(5);
	});
});
