import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { IDBFactory } from 'fake-indexeddb';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeviceBlobs } from '../../src/lib/app/device-blobs';
import { notices } from '../../src/lib/app/notices.svelte';
import { BlobError } from '../../src/lib/replica/blob-store';
import type { UserId } from '../../sync/ids';
import type { BlobList } from '../../sync/protocol/blobs';
import { DEFAULT_RELAY_LIMITS } from '../../server/relay/upgrade';
import { register, startTestServer, type Account, type TestServer } from './harness';

/**
 * The device blob store against the real server: what one device puts is uploaded in the
 * background, and a second device of the account downloads, verifies and keeps it. Each device
 * has its own IndexedDB, as two browsers would.
 */
const FAST = { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 };
const devices: { blobs: DeviceBlobs; stop: () => void }[] = [];

function device(
	t: TestServer,
	account: Pick<Account, 'userId' | 'cookie'>,
	headers: Record<string, string> = {}
): DeviceBlobs {
	Dexie.dependencies.indexedDB = new IDBFactory();
	const asAccount: typeof fetch = (input, init) =>
		fetch(input, { ...init, headers: { ...init?.headers, ...headers, Cookie: account.cookie } });
	const blobs = new DeviceBlobs(account.userId as UserId, {
		baseUrl: t.base,
		fetch: asAccount,
		retry: FAST
	});
	devices.push({ blobs, stop: blobs.connect() });
	return blobs;
}

const failure = (promise: Promise<unknown>) =>
	promise.then(
		() => null,
		(error: unknown) => error as BlobError
	);

async function serverList(t: TestServer, account: Account): Promise<BlobList> {
	const res = await fetch(`${t.base}/api/blobs`, { headers: { Cookie: account.cookie } });
	expect(res.status).toBe(200);
	return (await res.json()) as BlobList;
}

beforeAll(() => {
	// handleError logs what it tells the person.
	vi.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
	for (const { blobs, stop } of devices.splice(0)) {
		stop();
		blobs.store.close();
	}
});

afterAll(() => {
	vi.restoreAllMocks();
});

describe('device blobs and the server', () => {
	let t: TestServer;
	beforeAll(async () => {
		t = await startTestServer();
	});
	afterAll(async () => {
		await t?.stop();
	});

	it('uploads what one device puts; a second device downloads it and keeps it offline', async () => {
		const account = await register(t.base);
		const first = device(t, account);
		const bytes = new Uint8Array(randomBytes(200_000));
		const sha256 = await first.put(bytes);
		await first.whenIdle();
		expect(await first.list()).toEqual([{ sha256, size: bytes.byteLength, uploaded: true }]);
		expect((await serverList(t, account)).blobs.map((b) => b.sha256)).toEqual([sha256]);

		const second = device(t, account);
		expect(await second.store.has(sha256)).toBe(false);
		expect(await second.get(sha256)).toEqual(bytes);
		// Signed out or offline: the copy on the device is enough.
		devices.at(-1)?.stop();
		expect(await second.get(sha256)).toEqual(bytes);
		expect(await second.store.pending()).toEqual([]);
	});

	it('gives another user not_found for a sha256 they know', async () => {
		const [owner, other] = [await register(t.base), await register(t.base)];
		const owners = device(t, owner);
		const sha256 = await owners.put(new Uint8Array([1, 2, 3]));
		await owners.whenIdle();
		const error = await failure(device(t, other).get(sha256));
		expect(error).toBeInstanceOf(BlobError);
		expect(error?.code).toBe('not_found');
	});

	it('deletes the server’s copy after a delete on the device, freeing the quota', async () => {
		const account = await register(t.base);
		const blobs = device(t, account);
		const sha256 = await blobs.put(new Uint8Array(randomBytes(10_000)));
		await blobs.whenIdle();
		expect((await serverList(t, account)).usage.blobBytes).toBe(10_000);
		await blobs.delete(sha256);
		await blobs.whenIdle();
		expect(await serverList(t, account)).toMatchObject({ blobs: [], usage: { blobBytes: 0 } });
		expect((await failure(device(t, account).get(sha256)))?.code).toBe('not_found');
	});

	it('reports a session the server no longer accepts as unauthenticated', async () => {
		const account = await register(t.base);
		const blobs = device(t, { userId: account.userId, cookie: 'session=revoked' });
		await blobs.put(new Uint8Array([7]));
		await blobs.whenIdle();
		expect((blobs.status.error as BlobError).code).toBe('unauthenticated');
		expect(await blobs.store.pending()).toHaveLength(1);
	});

	it('reports an upload the server refuses as cross-site as forbidden', async () => {
		const account = await register(t.base);
		const blobs = device(t, account, { Origin: 'https://elsewhere.example' });
		await blobs.put(new Uint8Array([8]));
		await blobs.whenIdle();
		expect((blobs.status.error as BlobError).code).toBe('forbidden');
		expect((await serverList(t, account)).blobs).toEqual([]);
	});
});

describe('device blobs over the quota or the size cap', () => {
	const QUOTA = 64 * 1024;
	const MAX_BLOB = 2 * QUOTA;
	let t: TestServer;
	beforeAll(async () => {
		t = await startTestServer({
			relay: { ...DEFAULT_RELAY_LIMITS, storageQuotaBytes: QUOTA },
			blobs: { maxBytes: MAX_BLOB, requestsPerMinute: 1000 }
		});
	});
	afterAll(async () => {
		await t?.stop();
	});

	it('keeps the blob pending and tells the person the storage is full', async () => {
		const account = await register(t.base);
		const blobs = device(t, account);
		const statuses: (string | undefined)[] = [];
		blobs.onStatus((status) => statuses.push((status.error as BlobError | null)?.code));
		await blobs.put(new Uint8Array(randomBytes(QUOTA + 1)));
		await blobs.whenIdle();
		expect(statuses.at(-1)).toBe('quota_exceeded');
		expect(await blobs.store.pending()).toHaveLength(1);
		expect(notices.items.at(-1)?.message).toMatch(/^Could not upload model files\. .+/);
		expect((await serverList(t, account)).blobs).toEqual([]);
	});

	it('tells a blob over the server’s size cap from a full quota', async () => {
		const blobs = device(t, await register(t.base));
		await blobs.put(new Uint8Array(randomBytes(MAX_BLOB + 1)));
		await blobs.whenIdle();
		expect((blobs.status.error as BlobError).code).toBe('too_large');
	});
});
