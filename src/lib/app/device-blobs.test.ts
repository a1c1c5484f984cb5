import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { LOCAL_USER } from '$sync/ids';
import { BlobError } from '$lib/replica/blob-store';
import { DeviceBlobs } from './device-blobs';

describe('DeviceBlobs without an account', () => {
	it('keeps blobs on the device and never calls the server', async () => {
		const fetch = vi.fn();
		const blobs = new DeviceBlobs(LOCAL_USER, { fetch });
		const stop = blobs.connect();
		const sha256 = await blobs.put(new Uint8Array([1, 2, 3]));
		await blobs.whenIdle();
		expect(await blobs.get(sha256)).toEqual(new Uint8Array([1, 2, 3]));
		expect(await blobs.list()).toEqual([{ sha256, size: 3, uploaded: false }]);
		const missing = await blobs.get('0'.repeat(64)).catch((e: unknown) => e);
		expect(missing).toBeInstanceOf(BlobError);
		expect((missing as BlobError).code).toBe('not_found');
		await blobs.delete(sha256);
		expect(await blobs.list()).toEqual([]);
		expect(fetch).not.toHaveBeenCalled();
		stop();
		blobs.store.close();
	});
});
