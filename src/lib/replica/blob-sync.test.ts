import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserId } from '$sync/ids';
import { BlobError, BlobStore } from './blob-store';
import { BlobSync, type RetryPolicy } from './blob-sync';

/**
 * What a real server cannot be made to do on cue: fail for a while, drop the connection, send
 * bytes that are not the ones asked for. Uploads, downloads, ownership and the quota against the
 * real server are in tests/integration/device-blobs.test.ts.
 */
type Answer = Response | Error;

const FAST: RetryPolicy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
let store: BlobStore;
let n = 0;
let sent: { method: string; url: string }[];

function syncAnswering(answers: Answer[], retry = FAST): BlobSync {
	const fetch = async (url: string | URL | Request, init?: RequestInit) => {
		sent.push({ method: init?.method ?? 'GET', url: String(url) });
		const answer = answers.shift() ?? new Response(null, { status: 201 });
		if (answer instanceof Error) throw answer;
		return answer;
	};
	return new BlobSync(store, { baseUrl: 'http://server', fetch, retry });
}

const status = (code: number, body?: object, headers?: Record<string, string>) =>
	new Response(body ? JSON.stringify(body) : null, { status: code, headers });
const failure = (promise: Promise<unknown>) =>
	promise.then(
		() => null,
		(e: unknown) => e as BlobError
	);

beforeEach(() => {
	store = new BlobStore(`sync${++n}` as UserId);
	sent = [];
});
afterEach(() => store.close());

describe('BlobSync retries', () => {
	it('retries an upload through server errors and dropped connections', async () => {
		const sha256 = await store.put(new Uint8Array([1, 2]));
		const sync = syncAnswering([status(503), new TypeError('fetch failed'), status(201)]);
		await sync.uploadPending();
		expect(sent).toEqual(
			Array(3).fill({ method: 'PUT', url: `http://server/api/blobs/${sha256}` })
		);
		expect(await store.pending()).toEqual([]);
	});

	it('waits as long as a 429 asks before trying again', async () => {
		await store.put(new Uint8Array([1]));
		const sync = syncAnswering([status(429, undefined, { 'Retry-After': '0.05' }), status(201)]);
		const started = performance.now();
		await sync.uploadPending();
		expect(performance.now() - started).toBeGreaterThanOrEqual(45);
		expect(sent).toHaveLength(2);
	});

	it('gives up after the last attempt with a typed error, the blob still pending', async () => {
		await store.put(new Uint8Array([1]));
		const sync = syncAnswering(Array(3).fill(new TypeError('fetch failed')));
		expect((await failure(sync.uploadPending()))?.code).toBe('network');
		expect(sent).toHaveLength(3);
		expect(await store.pending()).toHaveLength(1);
	});

	it('does not retry what cannot pass: a full quota stops the run, with the server’s words', async () => {
		await store.put(new Uint8Array([1]));
		await store.put(new Uint8Array([2]));
		const full = { error: { code: 'quota_exceeded', message: 'Storage quota of 1 MB reached.' } };
		const sync = syncAnswering([status(413, full)]);
		const error = await failure(sync.uploadPending());
		expect(error).toMatchObject({ code: 'quota_exceeded', message: full.error.message });
		expect(sent).toHaveLength(1);
		expect(await store.pending()).toHaveLength(2);
	});

	it('tells a blob over the size cap from a full quota', async () => {
		await store.put(new Uint8Array([1]));
		const big = { error: { code: 'payload_too_large', message: 'Blobs are at most 64 MB.' } };
		expect((await failure(syncAnswering([status(413, big)]).uploadPending()))?.code).toBe(
			'too_large'
		);
	});

	it('stops waiting for a retry at once when stopped', async () => {
		await store.put(new Uint8Array([1]));
		const sync = syncAnswering([status(503)], {
			attempts: 2,
			baseDelayMs: 60_000,
			maxDelayMs: 60_000
		});
		const run = failure(sync.uploadPending());
		await new Promise((resolve) => setTimeout(resolve, 10));
		sync.stop();
		expect((await run)?.code).toBe('stopped');
	});

	it('reports progress by blob and byte', async () => {
		await store.put(new Uint8Array(4));
		await store.put(new Uint8Array(4).fill(1));
		const seen: number[][] = [];
		await syncAnswering([]).uploadPending((p) =>
			seen.push([p.done, p.total, p.bytesDone, p.bytesTotal])
		);
		expect(seen).toEqual([
			[0, 2, 0, 8],
			[1, 2, 4, 8],
			[2, 2, 8, 8]
		]);
	});

	it('sends deletions first and counts a blob the server no longer has as deleted', async () => {
		const gone = await store.put(new Uint8Array([1]), { uploaded: true });
		await store.delete(gone);
		const fresh = await store.put(new Uint8Array([2]));
		await syncAnswering([status(404), status(201)]).uploadPending();
		expect(sent.map((s) => `${s.method} ${s.url.slice(-64)}`)).toEqual([
			`DELETE ${gone}`,
			`PUT ${fresh}`
		]);
		expect(await store.pendingDeletions()).toEqual([]);
	});
});

describe('BlobSync downloads', () => {
	const wanted = new Uint8Array([4, 5, 6]);
	const shaOf = async (bytes: Uint8Array) => {
		const other = new BlobStore(`sha${n}` as UserId);
		const sha256 = await other.put(bytes);
		other.close();
		return sha256;
	};

	it('refuses bytes that do not match the name and stores nothing', async () => {
		const sha256 = await shaOf(wanted);
		const sync = syncAnswering([new Response(new Uint8Array([4, 5, 7]))]);
		expect((await failure(sync.fetch(sha256)))?.code).toBe('corrupt');
		expect(await store.has(sha256)).toBe(false);
	});

	it('downloads a blob once for callers asking at the same time, then serves it offline', async () => {
		const sha256 = await shaOf(wanted);
		const sync = syncAnswering([new Response(wanted.slice())]);
		const [a, b] = await Promise.all([sync.fetch(sha256), sync.fetch(sha256)]);
		expect(a).toEqual(wanted);
		expect(b).toEqual(wanted);
		const offline = syncAnswering([new TypeError('offline')]);
		expect(await offline.fetch(sha256)).toEqual(wanted);
		expect(sent).toHaveLength(1);
		expect(await store.pending()).toEqual([]);
	});

	it('refuses a name that is not a sha256 before any request', async () => {
		const error = await failure(syncAnswering([]).fetch('../auth/session'));
		expect(error).toBeInstanceOf(BlobError);
		expect(error?.code).toBe('invalid_sha256');
		expect(sent).toEqual([]);
	});

	it('retries a download whose connection dropped halfway through', async () => {
		const sha256 = await shaOf(wanted);
		const dropped = new ReadableStream({
			start: (controller) => controller.error(new TypeError('terminated'))
		});
		const sync = syncAnswering([new Response(dropped), new Response(wanted.slice())]);
		expect(await sync.fetch(sha256)).toEqual(wanted);
		expect(sent).toHaveLength(2);
	});
});
