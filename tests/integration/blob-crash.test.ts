import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { BlobList } from '../../sync/protocol/blobs';
import { eventually, register, type Account } from './harness';
import { killServerChildren, ServerProcess } from './server-child';

/**
 * Crash safety of the blob store: an upload is invisible until it is whole, verified and
 * committed, and stays so when the server is SIGKILLed halfway through it; an upload that was
 * answered 201 survives a SIGKILL right after.
 */
const MB = 1024 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 't10x-blob-crash-'));
const server = new ServerProcess(dataDir, { BLOB_MAX_MB: '8' });
const temporaries = join(dataDir, 'blobs', '.tmp');

afterAll(() => {
	killServerChildren();
	rmSync(dataDir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const call = (account: Account, method: string, path: string, body?: Uint8Array<ArrayBuffer>) =>
	fetch(`${server.base}/api/blobs${path}`, { method, body, headers: { Cookie: account.cookie } });

async function listed(account: Account): Promise<BlobList> {
	return (await call(account, 'GET', '')).json();
}

function bytesInTemporaries(): number {
	return readdirSync(temporaries).reduce(
		(sum, name) => sum + statSync(join(temporaries, name)).size,
		0
	);
}

/** A PUT that sends the first `sent` bytes of the body and then waits, as on a slow link. */
function startUpload(account: Account, bytes: Uint8Array, sent: number) {
	const req = request(`${server.base}/api/blobs/${sha256(bytes)}`, {
		method: 'PUT',
		headers: { Cookie: account.cookie, 'Content-Length': String(bytes.byteLength) }
	});
	// The server dies under it: that is the point.
	req.on('error', () => {});
	req.write(bytes.subarray(0, sent));
	return req;
}

it('shows no part of an upload cut by a SIGKILL, and keeps an acknowledged one', async () => {
	await server.start();
	const alice = await register(server.base);
	const bytes = new Uint8Array(randomBytes(4 * MB));
	const sha = sha256(bytes);

	const upload = startUpload(alice, bytes, MB);
	await eventually(() => bytesInTemporaries() >= MB, 10_000, 'the first megabyte on disk');
	expect((await call(alice, 'GET', `/${sha}`)).status).toBe(404);
	expect((await listed(alice)).blobs).toEqual([]);
	expect(existsSync(join(dataDir, 'blobs', alice.userId, sha))).toBe(false);

	await server.kill();
	upload.destroy();
	await server.start();
	expect(readdirSync(temporaries)).toEqual([]);
	expect((await call(alice, 'GET', `/${sha}`)).status).toBe(404);
	expect(await listed(alice)).toMatchObject({ blobs: [], usage: { bytes: 0, blobBytes: 0 } });

	expect((await call(alice, 'PUT', `/${sha}`, bytes)).status).toBe(201);
	await server.kill();
	await server.start();
	const got = await call(alice, 'GET', `/${sha}`);
	expect(got.status).toBe(200);
	expect(sha256(new Uint8Array(await got.arrayBuffer()))).toBe(sha);
	expect(await listed(alice)).toMatchObject({
		usage: { bytes: 4 * MB, blobBytes: 4 * MB },
		maxBlobBytes: 8 * MB
	});
	await server.kill();
}, 60_000);
