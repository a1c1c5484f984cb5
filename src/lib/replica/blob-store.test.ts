import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserId } from '$sync/ids';
import { BlobError, BlobStore, sha256Hex } from './blob-store';

let store: BlobStore;
let n = 0;
const bytes = (...values: number[]) => new Uint8Array(values);
const nodeSha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

beforeEach(() => {
	store = new BlobStore(`blobs${++n}` as UserId);
});
afterEach(() => store.close());

describe('sha256Hex', () => {
	it('agrees with Node’s sha256, for the empty input too', async () => {
		for (const data of [bytes(), bytes(1, 2, 3), new Uint8Array(100_000).fill(7)])
			expect(await sha256Hex(data)).toBe(nodeSha(data));
	});
});

describe('BlobStore', () => {
	it('names a blob by the sha256 of its bytes and gives the same bytes back', async () => {
		const data = bytes(10, 20, 30);
		const sha256 = await store.put(data);
		expect(sha256).toBe(nodeSha(data));
		expect(await store.get(sha256)).toEqual(data);
		expect(await store.has(sha256)).toBe(true);
		expect(await store.list()).toEqual([{ sha256, size: 3, uploaded: false }]);
	});

	it('stores only the viewed bytes of a larger buffer', async () => {
		const buffer = bytes(1, 2, 3, 4, 5, 6);
		const sha256 = await store.put(buffer.subarray(2, 4));
		const stored = await store.get(sha256);
		expect(stored).toEqual(bytes(3, 4));
		expect(stored?.buffer.byteLength).toBe(2);
	});

	it('keeps one copy of the same bytes put twice', async () => {
		const [a, b] = [await store.put(bytes(1)), await store.put(bytes(1))];
		expect(a).toBe(b);
		expect(await store.list()).toHaveLength(1);
	});

	it('lists pending uploads oldest first and forgets them once uploaded', async () => {
		const first = await store.put(bytes(1));
		const second = await store.put(bytes(2));
		expect((await store.pending()).map((b) => b.sha256)).toEqual([first, second]);
		await store.markUploaded(first);
		expect((await store.pending()).map((b) => b.sha256)).toEqual([second]);
		expect((await store.list()).find((b) => b.sha256 === first)?.uploaded).toBe(true);
	});

	it('marks a blob put as downloaded (the server has it) uploaded, also one pending before', async () => {
		const pending = await store.put(bytes(1));
		await store.put(bytes(1), { uploaded: true });
		await store.put(bytes(2), { uploaded: true });
		expect(await store.pending()).toEqual([]);
		expect(await store.has(pending)).toBe(true);
	});

	it('deletes a blob; the server’s copy is queued for deletion only if it was uploaded', async () => {
		const local = await store.put(bytes(1));
		const uploaded = await store.put(bytes(2), { uploaded: true });
		await store.delete(local);
		await store.delete(uploaded);
		expect(await store.get(local)).toBeNull();
		expect(await store.has(uploaded)).toBe(false);
		expect(await store.pendingDeletions()).toEqual([uploaded]);
		await store.forgetDeletion(uploaded);
		expect(await store.pendingDeletions()).toEqual([]);
	});

	it('cancels a queued server deletion when the same bytes are put again', async () => {
		const sha256 = await store.put(bytes(5), { uploaded: true });
		await store.delete(sha256);
		await store.put(bytes(5));
		expect(await store.pendingDeletions()).toEqual([]);
		expect((await store.pending()).map((b) => b.sha256)).toEqual([sha256]);
	});

	it('deletes all of a user’s blobs, leaving another user’s', async () => {
		const other = new BlobStore(`blobs${n}-other` as UserId);
		const kept = await other.put(bytes(4));
		await store.put(bytes(5));
		await store.deleteAll();
		const reopened = new BlobStore(`blobs${n}` as UserId);
		expect(await reopened.list()).toEqual([]);
		expect(await other.has(kept)).toBe(true);
		reopened.close();
		other.close();
	});

	it('keeps each user’s blobs apart', async () => {
		const other = new BlobStore(`blobs${n}-other` as UserId);
		const sha256 = await store.put(bytes(9));
		expect(await other.get(sha256)).toBeNull();
		other.close();
	});

	it('refuses a name that is not a sha256 with a typed error', async () => {
		for (const name of ['', 'abc', '../etc/passwd', 'A'.repeat(64)]) {
			const error = await store.get(name).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(BlobError);
			expect((error as BlobError).code).toBe('invalid_sha256');
		}
	});
});
