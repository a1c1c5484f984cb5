import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { addThought } from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type UserId } from '../../sync/ids';
import { ERROR_CODES } from '../../sync/protocol/api';
import type { BlobList, BlobStored } from '../../sync/protocol/blobs';
import { CLOSE } from '../../sync/protocol/close-codes';
import { DEFAULT_RELAY_LIMITS } from '../../server/relay/upgrade';
import {
	connectClient,
	eventually,
	register,
	settled,
	startTestServer,
	type Account,
	type TestServer
} from './harness';

/**
 * The owner-only blob store against a real server: verified uploads, the size cap, the storage
 * quota it shares with documents, and that knowing a sha256 reaches nothing of another user's.
 */
const MB = 1024 * 1024;
const QUOTA = 2 * MB;
const MAX_BLOB = 1.5 * MB;
/** Two of these do not fit the quota; one leaves no room for a 1 MB thought. */
const LARGE = Math.floor(1.2 * MB);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const blobOf = (size: number) => new Uint8Array(randomBytes(size));

let t: TestServer;

beforeAll(async () => {
	t = await startTestServer({
		relay: { ...DEFAULT_RELAY_LIMITS, storageQuotaBytes: QUOTA },
		blobs: { maxBytes: MAX_BLOB, requestsPerMinute: 1_000_000 }
	});
});
afterAll(async () => {
	await t?.stop();
});

function call(
	server: TestServer,
	account: Account | null,
	method: string,
	sha = '',
	init: { body?: BodyInit; headers?: Record<string, string>; duplex?: 'half' } = {}
): Promise<Response> {
	return fetch(`${server.base}/api/blobs${sha ? `/${sha}` : ''}`, {
		...init,
		method,
		headers: { ...(account ? { Cookie: account.cookie } : {}), ...init.headers }
	});
}

const put = (account: Account, bytes: Uint8Array<ArrayBuffer>, name = sha256(bytes)) =>
	call(t, account, 'PUT', name, { body: bytes });

async function list(account: Account): Promise<BlobList> {
	const res = await call(t, account, 'GET');
	expect(res.status).toBe(200);
	return res.json();
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
	return ((await res.json()) as { error: { code: string; message: string } }).error;
}

/** What is on disk for the user: whole blobs under their names, and half-written uploads. */
function disk(server: TestServer, account: Account) {
	const dir = join(server.dataDir, 'blobs', account.userId);
	return {
		blobs: existsSync(dir) ? readdirSync(dir).sort() : [],
		temporaries: readdirSync(join(server.dataDir, 'blobs', '.tmp'))
	};
}

describe('the blob store', () => {
	it('stores verified bytes once and serves them to their owner as an attachment', async () => {
		const alice = await register(t.base);
		const bytes = blobOf(4096);
		const sha = sha256(bytes);
		const created = await put(alice, bytes);
		expect(created.status).toBe(201);
		const stored = (await created.json()) as BlobStored;
		expect(stored.blob).toMatchObject({ sha256: sha, size: 4096 });
		expect(stored.usage).toEqual({ bytes: 4096, blobBytes: 4096, quotaBytes: QUOTA });
		expect((await put(alice, bytes)).status).toBe(200);
		expect((await list(alice)).usage.blobBytes).toBe(4096);

		const got = await call(t, alice, 'GET', sha);
		expect(got.status).toBe(200);
		expect(sha256(new Uint8Array(await got.arrayBuffer()))).toBe(sha);
		expect(Object.fromEntries(got.headers)).toMatchObject({
			'content-type': 'application/octet-stream',
			'content-length': '4096',
			'content-disposition': `attachment; filename="${sha}"`,
			'x-content-type-options': 'nosniff',
			'cross-origin-resource-policy': 'same-origin',
			etag: `"${sha}"`
		});
		const head = await call(t, alice, 'HEAD', sha);
		expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([
			200,
			'4096',
			''
		]);
		const cached = await call(t, alice, 'GET', sha, { headers: { 'If-None-Match': `"${sha}"` } });
		expect([cached.status, await cached.text()]).toEqual([304, '']);
		expect((await list(alice)).blobs).toEqual([stored.blob]);
	});

	it('is owner-only: knowing a sha256 lets another user neither read, list, delete nor overwrite it', async () => {
		const [alice, bob] = [await register(t.base), await register(t.base)];
		const bytes = blobOf(2048);
		const sha = sha256(bytes);
		expect((await put(alice, bytes)).status).toBe(201);

		const nobodys = await errorOf(await call(t, bob, 'GET', sha256(blobOf(8))));
		expect(await errorOf(await call(t, bob, 'GET', sha))).toEqual(nobodys);
		expect((await call(t, bob, 'HEAD', sha)).status).toBe(404);
		expect((await call(t, bob, 'DELETE', sha)).status).toBe(404);
		expect((await list(bob)).blobs).toEqual([]);
		expect((await call(t, null, 'GET', sha)).status).toBe(401);
		const overwrite = await put(bob, blobOf(2048), sha);
		expect(overwrite.status).toBe(400);
		expect(disk(t, bob).blobs).toEqual([]);

		// The same bytes uploaded by bob are bob's own copy, on bob's quota.
		expect((await put(bob, bytes)).status).toBe(201);
		expect((await list(bob)).usage.bytes).toBe(2048);
		expect((await call(t, alice, 'DELETE', sha)).status).toBe(204);
		expect((await call(t, alice, 'GET', sha)).status).toBe(404);
		const bobs = await call(t, bob, 'GET', sha);
		expect(sha256(new Uint8Array(await bobs.arrayBuffer()))).toBe(sha);
	});

	it('refuses bytes whose sha256 is not their name, and stores nothing', async () => {
		const carol = await register(t.base);
		const [promised, sent] = [blobOf(1000), blobOf(1000)];
		const res = await put(carol, sent, sha256(promised));
		expect(res.status).toBe(400);
		expect(await errorOf(res)).toEqual({
			code: 'invalid_body',
			message: `The body's sha256 is ${sha256(sent)}.`
		});
		expect((await call(t, carol, 'GET', sha256(promised))).status).toBe(404);
		expect((await call(t, carol, 'GET', sha256(sent))).status).toBe(404);
		expect(await list(carol)).toMatchObject({ blobs: [], usage: { bytes: 0, blobBytes: 0 } });
		expect(disk(t, carol)).toEqual({ blobs: [], temporaries: [] });
	});

	it('caps the size of a blob, declared or streamed', async () => {
		const dave = await register(t.base);
		const over = await put(dave, blobOf(MAX_BLOB + 1));
		expect([over.status, (await errorOf(over)).code]).toEqual([413, 'payload_too_large']);
		expect((await list(dave)).usage.bytes).toBe(0);

		// Without a Content-Length the server only finds out as the bytes arrive.
		const big = blobOf(MAX_BLOB + 64 * 1024);
		const streamed = await call(t, dave, 'PUT', sha256(big), {
			body: new Blob([big]).stream(),
			duplex: 'half'
		}).then(
			(res) => res.status,
			() => 'connection closed'
		);
		expect([413, 'connection closed']).toContain(streamed);
		await eventually(() => disk(t, dave).temporaries.length === 0, 5_000, 'the upload cleaned up');
		expect(disk(t, dave).blobs).toEqual([]);
		expect((await put(dave, blobOf(MAX_BLOB))).status).toBe(201);
	});

	it('counts blobs and documents against one quota, enforced and freed on delete', async () => {
		const erin = await register(t.base);
		const first = blobOf(LARGE);
		const second = blobOf(LARGE);
		expect((await put(erin, first)).status).toBe(201);
		const refused = await put(erin, second);
		expect(refused.status).toBe(413);
		const error = await errorOf(refused);
		expect(error.code).toBe('quota_exceeded');
		expect(error.message).toContain('storage quota of 2 MB');
		expect(disk(t, erin).blobs).toEqual([sha256(first)]);

		expect((await call(t, erin, 'DELETE', sha256(first))).status).toBe(204);
		expect((await list(erin)).usage).toMatchObject({ bytes: 0, blobBytes: 0 });
		expect(disk(t, erin).blobs).toEqual([]);
		expect((await put(erin, second)).status).toBe(201);

		// The relay reads the same counter: a thought that does not fit beside the blob is refused.
		vi.spyOn(console, 'error').mockImplementation(() => {});
		const device = connectClient(t, erin);
		const closes: number[] = [];
		device.socket.on('close', ({ event }: { event: { code: number } }) => closes.push(event.code));
		try {
			const doc = new Y.Doc();
			await settled(device.open(shardDocName(erin.userId as UserId, 0), doc));
			const fields = { createdAt: Date.now(), visibility: 'private', pinned: false } as const;
			addThought(doc, newThoughtId(), { ...fields, text: 'x'.repeat(MB) });
			await eventually(() => closes.length > 0, 10_000, 'the relay to refuse the thought');
			expect(closes[0]).toBe(CLOSE.storageFull.code);
		} finally {
			device.destroy();
			vi.restoreAllMocks();
		}
		const { usage } = await list(erin);
		expect(usage.blobBytes).toBe(LARGE);
		expect(usage.bytes).toBeLessThan(QUOTA);
	});

	it('takes changes only from its own pages', async () => {
		const frank = await register(t.base);
		const bytes = blobOf(100);
		const crossSite = { Origin: 'https://evil.example' };
		const refused = await call(t, frank, 'PUT', sha256(bytes), { body: bytes, headers: crossSite });
		expect([refused.status, (await errorOf(refused)).code]).toEqual([403, 'forbidden']);
		expect((await list(frank)).blobs).toEqual([]);
		expect((await put(frank, bytes)).status).toBe(201);
		expect((await call(t, frank, 'DELETE', sha256(bytes), { headers: crossSite })).status).toBe(
			403
		);
		expect((await list(frank)).blobs).toHaveLength(1);
	});

	it('keeps rows, files and usage in agreement when uploads and deletes of a blob race', async () => {
		const gina = await register(t.base);
		const bytes = blobOf(10_000);
		const sha = sha256(bytes);
		const statuses = await Promise.all([put(gina, bytes), put(gina, bytes)]);
		expect(statuses.map((res) => res.status).sort()).toEqual([200, 201]);
		expect((await list(gina)).usage.blobBytes).toBe(10_000);
		for (let round = 0; round < 10; round++) {
			await Promise.all([put(gina, bytes), call(t, gina, 'DELETE', sha), put(gina, bytes)]);
			const { blobs, usage } = await list(gina);
			expect(usage.blobBytes).toBe(blobs.length * 10_000);
			expect(disk(t, gina).blobs).toEqual(blobs.map((blob) => blob.sha256));
			for (const blob of blobs) {
				const res = await call(t, gina, 'GET', blob.sha256);
				expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha);
			}
		}
	});
});

describe('any request under /api/blobs', () => {
	it('gets a typed answer, never a 5xx, and stores no bytes that do not match their name', async () => {
		const kim = await register(t.base);
		const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
		const name = fc.oneof(
			hex,
			fc.string(),
			hex.map((sha) => sha.toUpperCase()),
			fc.constant('..')
		);
		const body = fc.uint8Array({ maxLength: 256 });
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom('GET', 'HEAD', 'PUT', 'DELETE', 'POST'),
				name,
				body,
				async (method, sha, bytes) => {
					const res = await fetch(`${t.base}/api/blobs/${encodeURIComponent(sha)}`, {
						method,
						headers: { Cookie: kim.cookie },
						body: method === 'PUT' || method === 'POST' ? bytes : undefined
					});
					expect(res.status).toBeLessThan(500);
					if (res.status >= 400 && method !== 'HEAD') {
						expect(ERROR_CODES).toContain((await errorOf(res)).code);
					} else await res.arrayBuffer();
				}
			),
			{ numRuns: 150 }
		);
		// No random body hashes to the random name it was sent under.
		expect(await list(kim)).toMatchObject({ blobs: [], usage: { bytes: 0 } });
		expect(disk(t, kim)).toEqual({ blobs: [], temporaries: [] });
	});
});

describe('the blob rate limit', () => {
	it('answers 429 once a user has spent the minute, and only for that user', async () => {
		const limited = await startTestServer({ blobs: { maxBytes: MB, requestsPerMinute: 3 } });
		try {
			const [hana, ivan] = [await register(limited.base), await register(limited.base)];
			for (let i = 0; i < 3; i++) expect((await call(limited, hana, 'GET')).status).toBe(200);
			const res = await call(limited, hana, 'GET', sha256(blobOf(8)));
			expect([res.status, res.headers.get('retry-after')]).toEqual([429, '60']);
			expect((await call(limited, ivan, 'GET')).status).toBe(200);
		} finally {
			await limited.stop();
		}
	});
});
