import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { addThought } from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type UserId } from '../../sync/ids';
import { ERROR_CODES } from '../../sync/protocol/api';
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
 * HTTP fuzzing of the social endpoints: 500 generated requests per mutation (bodies, content
 * types, cookies, origins, idempotency keys) and 500 across the reads. Never a 5xx, never an
 * untyped error, never a stack trace.
 */
const RUNS = { seed: 20261126, numRuns: 500 };
const STACK_FRAME = /\bat\s[^\n]*(?:\/|\\|node:)[^\n]*:\d+/;

let t: TestServer;
let me: Account;
let other: Account;
let device: Client;
let postId: string;
const statuses = new Map<string, Map<number, number>>();

beforeAll(async () => {
	t = await startTestServer();
	me = await register(t.base);
	other = await register(t.base);
	device = connectClient(t, other);
	const provider = device.open(shardDocName(other.userId as UserId, 0));
	await settled(provider);
	postId = newThoughtId();
	addThought(provider.document as Y.Doc, postId as never, {
		text: 'a public post to fuzz around',
		createdAt: Date.now(),
		visibility: 'public',
		pinned: false
	});
	await settled(provider);
	device.destroy();
	// The last device left: the relay stores the shard and publishes the post.
	const deadline = Date.now() + 15_000;
	while ((await fetch(`${t.base}/api/posts/${postId}`)).status !== 200) {
		if (Date.now() > deadline) throw new Error('post never published');
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
});
afterAll(async () => {
	device?.destroy();
	await t?.stop();
	const lines = [...statuses].map(
		([endpoint, counts]) =>
			`${endpoint}: ${[...counts].map(([status, n]) => `${status}×${n}`).join(', ')}`
	);
	console.log(`social fuzz statuses:\n${lines.join('\n')}`);
});

const json = (value: unknown) => JSON.stringify(value);
const handle = fc.oneof(
	fc.constant('__OTHER__'),
	fc.constant('__ME__'),
	fc.stringMatching(/^[a-z0-9_]{3,32}$/),
	fc.string({ maxLength: 40 })
);
const oddValue = fc.oneof(
	fc.jsonValue({ maxDepth: 3 }),
	fc.string({ unit: 'binary', maxLength: 50 }),
	fc.constantFrom(
		'',
		'x'.repeat(5000),
		'\u0000',
		'\ud800',
		-1,
		Number.MAX_VALUE,
		null,
		true,
		[],
		{}
	)
);
const replyId = fc.oneof(fc.stringMatching(/^r[0-9a-z]{22}$/), fc.string({ maxLength: 30 }));
const bodies: Record<string, fc.Arbitrary<unknown>> = {
	follow: fc.record(
		{ handle, notifyPosts: fc.oneof(fc.boolean(), oddValue) },
		{ requiredKeys: [] }
	),
	handle: fc.record({ handle, extra: oddValue }, { requiredKeys: [] }),
	reply: fc.record(
		{
			text: fc.oneof(fc.lorem({ maxCount: 20 }), fc.string({ maxLength: 2100 }), oddValue),
			parentId: fc.oneof(replyId, oddValue),
			visibility: fc.oneof(fc.constantFrom('public', 'followers', 'private', 'PUBLIC'), oddValue)
		},
		{ requiredKeys: [] }
	),
	profile: fc.record(
		{
			displayName: fc.oneof(fc.string({ maxLength: 60 }), oddValue),
			bio: fc.oneof(fc.string({ maxLength: 320 }), oddValue)
		},
		{ requiredKeys: [] }
	),
	read: fc.record({ upTo: fc.oneof(fc.integer(), fc.double(), oddValue) }, { requiredKeys: [] }),
	none: fc.constant(undefined)
};
const rawBody = (shaped: fc.Arbitrary<unknown>) =>
	fc.oneof(
		{ arbitrary: shaped.map((value) => (value === undefined ? null : json(value))), weight: 6 },
		{ arbitrary: fc.jsonValue().map(json), weight: 1 },
		{ arbitrary: fc.uint8Array({ maxLength: 300 }), weight: 1 },
		{ arbitrary: fc.constantFrom('', '{', 'null', '[1,2', '{"handle":'), weight: 1 }
	);
const envelope = fc.record({
	cookie: fc.constantFrom('me', 'me', 'me', 'none', 'junk'),
	origin: fc.constantFrom('same', 'same', 'absent', 'evil'),
	contentType: fc.constantFrom(
		'application/json',
		'application/json',
		'text/plain',
		'image/png',
		undefined
	),
	key: fc.oneof(
		fc.constant(undefined),
		fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/),
		fc.string({ maxLength: 80 }).filter((s) => /^[\x20-\x7e]*$/.test(s))
	)
});

async function send(
	label: string,
	method: string,
	path: string,
	body: string | Uint8Array | null,
	env: typeof envelope extends fc.Arbitrary<infer E> ? E : never
) {
	const headers: Record<string, string> = {};
	if (env.cookie === 'me') headers.Cookie = me.cookie;
	if (env.cookie === 'junk') headers.Cookie = 't10x_session=junk';
	if (env.origin === 'same') headers.Origin = t.base;
	if (env.origin === 'evil') headers.Origin = 'https://evil.example';
	if (env.contentType) headers['Content-Type'] = env.contentType;
	if (env.key !== undefined) headers['Idempotency-Key'] = env.key;
	const payload = body instanceof Uint8Array ? Buffer.from(body) : (body ?? undefined);
	const res = await fetch(`${t.base}${path}`, { method, headers, body: payload });
	const text = await res.text();
	const counts = statuses.get(label) ?? new Map<number, number>();
	counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
	statuses.set(label, counts);
	expect(res.status, `${method} ${path}: ${text.slice(0, 200)}`).toBeLessThan(500);
	expect(text).not.toMatch(STACK_FRAME);
	if (res.status >= 400 && res.headers.get('content-type')?.startsWith('application/json')) {
		expect(ERROR_CODES).toContain(JSON.parse(text).error.code);
	}
}

const name = (h: string) =>
	h === '__OTHER__' ? other.username : h === '__ME__' ? me.username : encodeURIComponent(h);

const mutations: { label: string; method: string; path: () => string; body: string }[] = [
	{ label: 'POST /api/follows', method: 'POST', path: () => '/api/follows', body: 'follow' },
	{ label: 'POST /api/blocks', method: 'POST', path: () => '/api/blocks', body: 'handle' },
	{ label: 'POST /api/mutes', method: 'POST', path: () => '/api/mutes', body: 'handle' },
	{ label: 'PUT /api/profile', method: 'PUT', path: () => '/api/profile', body: 'profile' },
	{
		label: 'PUT /api/profile/avatar',
		method: 'PUT',
		path: () => '/api/profile/avatar',
		body: 'none'
	},
	{
		label: 'POST /api/notifications/read',
		method: 'POST',
		path: () => '/api/notifications/read',
		body: 'read'
	},
	{
		label: 'POST /api/posts/:id/like',
		method: 'POST',
		path: () => `/api/posts/${postId}/like`,
		body: 'none'
	},
	{
		label: 'DELETE /api/posts/:id/like',
		method: 'DELETE',
		path: () => `/api/posts/${postId}/like`,
		body: 'none'
	},
	{
		label: 'POST /api/posts/:id/replies',
		method: 'POST',
		path: () => `/api/posts/${postId}/replies`,
		body: 'reply'
	}
];

for (const endpoint of mutations) {
	it(`${endpoint.label} never answers 5xx or an untyped error`, async () => {
		await fc.assert(
			fc.asyncProperty(rawBody(bodies[endpoint.body]), envelope, (body, env) =>
				send(endpoint.label, endpoint.method, endpoint.path(), body, env)
			),
			RUNS
		);
	});
}

it('DELETE /api/{follows,blocks,mutes}/:handle never answers 5xx', async () => {
	await fc.assert(
		fc.asyncProperty(
			fc.constantFrom('follows', 'blocks', 'mutes'),
			handle,
			envelope,
			(kind, h, env) =>
				send(`DELETE /api/${kind}/:handle`, 'DELETE', `/api/${kind}/${name(h)}`, null, env)
		),
		RUNS
	);
});

it('rate limits social changes per user', async () => {
	const limited = await startTestServer({ social: { readsPerMinute: 1000, writesPerMinute: 3 } });
	try {
		const ada = await register(limited.base);
		const statuses = [];
		for (let i = 0; i < 5; i++) {
			const res = await fetch(`${limited.base}/api/mutes`, {
				method: 'POST',
				headers: { Cookie: ada.cookie, Origin: limited.base, 'Content-Type': 'application/json' },
				body: JSON.stringify({ handle: 'nobody_here' })
			});
			statuses.push(res.status);
		}
		expect(statuses).toEqual([404, 404, 404, 429, 429]);
	} finally {
		await limited.stop();
	}
});

it('the social reads never answer 5xx, whatever the path and cursor', async () => {
	const cursor = fc.oneof(
		fc.constant(''),
		fc.string({ maxLength: 40 }).map((s) => `?before=${encodeURIComponent(s)}`),
		fc.tuple(fc.nat(), fc.stringMatching(/^t[0-9a-z]{22}$/)).map(([n, id]) => `?before=${n}-${id}`),
		fc.integer().map((n) => `?before=${n}`)
	);
	const path = fc.oneof(
		cursor.map((c) => `/api/feed${c}`),
		cursor.map((c) => `/api/notifications${c}`),
		fc.tuple(handle, cursor).map(([h, c]) => `/api/profiles/${name(h)}/posts${c}`),
		handle.map((h) => `/api/profiles/${name(h)}`),
		fc
			.tuple(handle, fc.constantFrom('followers', 'following'))
			.map(([h, w]) => `/api/profiles/${name(h)}/${w}`),
		fc
			.oneof(
				fc.constant(postId),
				fc.stringMatching(/^t[0-9a-z]{22}$/),
				fc.string({ maxLength: 30 })
			)
			.map((id) => `/api/posts/${encodeURIComponent(id)}`),
		handle.map((h) => `/@${name(h)}/avatar`)
	);
	await fc.assert(
		fc.asyncProperty(path, envelope, (p, env) => send('GET (reads)', 'GET', p, null, env)),
		RUNS
	);
});
