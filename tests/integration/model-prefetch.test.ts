import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { IDBFactory } from 'fake-indexeddb';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { buildHeadOnnx } from '../../models/head-onnx';
import { adoptLocalThoughts } from '../../src/lib/app/adopt-local';
import { DeviceBlobs, deviceBlobsFor } from '../../src/lib/app/device-blobs';
import { closeReplica, openReplica } from '../../src/lib/app/device-replicas';
import type { VersionFeed } from '../../src/lib/app/model-prefetch';
import { sha256Hex } from '../../src/lib/replica/blob-store';
import { addVersion, listVersions, observeVersions } from '../../sync/doc/model-versions';
import { rootDocName } from '../../sync/doc-names';
import { LOCAL_USER, type UserId } from '../../sync/ids';
import { headVersion } from '../fixtures/model-versions';
import { register, startTestServer, type Account, type TestServer } from './harness';

/**
 * A second device of the account receives the models registered on the first and runs them
 * offline afterwards. Each device has its own IndexedDB and its own copy of the root doc (the
 * test passes the Yjs updates along, as the relay would); the blobs go through the real server.
 */
const FAST = { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 };
const PREFETCH = { concurrency: 2, retry: { firstMs: 20, maxMs: 100 } };
const LABELS = ['ideas', 'work'];
const DIMS = 4;

interface Device {
	blobs: DeviceBlobs;
	doc: Y.Doc;
	/** The blob requests this device sent, as `METHOD status`. */
	requests: string[];
	stop: () => void;
}
const devices: Device[] = [];

/** A device with its own storage, or (`isFresh` false) the one whose storage is in use now. */
function device(t: TestServer, account: Account, doc = new Y.Doc(), isFresh = true): Device {
	if (isFresh) Dexie.dependencies.indexedDB = new IDBFactory();
	const requests: string[] = [];
	const asAccount: typeof fetch = async (input, init) => {
		const res = await fetch(input, {
			...init,
			headers: { ...init?.headers, Cookie: account.cookie }
		});
		requests.push(`${init?.method ?? 'GET'} ${res.status}`);
		return res;
	};
	const feed: VersionFeed = {
		listVersions: () => listVersions(doc),
		onChanged: (listener) => observeVersions(doc, listener)
	};
	const options = { baseUrl: t.base, fetch: asAccount, retry: FAST, prefetch: PREFETCH };
	const blobs = new DeviceBlobs(account.userId as UserId, options, feed);
	const made = { blobs, doc, requests, stop: blobs.connect() };
	devices.push(made);
	return made;
}

/** Passes every update of one doc to the other, both ways, as the relay does. */
function link(a: Y.Doc, b: Y.Doc): void {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a), a);
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b), b);
	a.on(
		'update',
		(update: Uint8Array, origin: unknown) => origin !== b && Y.applyUpdate(b, update, a)
	);
	b.on(
		'update',
		(update: Uint8Array, origin: unknown) => origin !== a && Y.applyUpdate(a, update, b)
	);
}

const weights = Float32Array.from({ length: LABELS.length * DIMS }, (_, i) => (i % 3) - 1);
// A copy: in Node the builder hands back a Buffer, and a device keeps a plain Uint8Array.
const head = new Uint8Array(
	buildHeadOnnx({ dims: DIMS, labels: LABELS, weights, bias: new Float32Array(2) })
);
const dataset = new TextEncoder().encode(JSON.stringify({ version: 1, examples: [] }));

/** Trains nothing: a fixed linear head and its data set snapshot, as a trained version. */
async function registerHead(on: Device): Promise<void> {
	const [sha256, datasetSha] = [await sha256Hex(head), await sha256Hex(dataset)];
	addVersion(
		on.doc,
		headVersion('tagger-prefetched', Date.now(), {
			sha256,
			size: head.byteLength,
			dims: [DIMS],
			labels: LABELS,
			dataset: {
				digest: datasetSha,
				sha256: datasetSha,
				examples: 0,
				train: 0,
				heldOut: 0,
				labels: LABELS,
				skipped: []
			}
		})
	);
}

async function putFiles(on: Device): Promise<void> {
	await on.blobs.put(head);
	await on.blobs.put(dataset);
	await on.blobs.whenIdle();
}

/** The head's scores for one embedding, run by onnxruntime-node from the given bytes. */
async function scores(model: Uint8Array): Promise<Float32Array> {
	const session = await InferenceSession.create(model);
	const input = new Tensor('float32', Float32Array.from([1, 0, 0.5, -1]), [1, DIMS]);
	const output = await session.run({ embeddings: input });
	return output.scores.data as Float32Array;
}

afterEach(() => {
	for (const { blobs, stop } of devices.splice(0)) {
		stop();
		blobs.store.close();
	}
});

describe('models prefetched onto a second device', () => {
	let t: TestServer;
	beforeAll(async () => {
		t = await startTestServer();
	});
	afterAll(async () => {
		await t?.stop();
	});

	it('downloads every file a version references and runs the model offline afterwards', async () => {
		const account = await register(t.base);
		const first = device(t, account);
		await putFiles(first);
		await registerHead(first);

		const second = device(t, account, new Y.Doc());
		link(first.doc, second.doc);
		await second.blobs.whenIdle();
		expect(second.requests).toEqual(['GET 200', 'GET 200']);
		const kept = await second.blobs.list();
		expect(kept.map((blob) => blob.sha256).sort()).toEqual(
			[await sha256Hex(head), await sha256Hex(dataset)].sort()
		);
		expect(kept.every((blob) => blob.uploaded)).toBe(true);

		// Signed out or offline: no request goes out, and the model still runs.
		second.stop();
		const offline = await second.blobs.get(await sha256Hex(head));
		expect(second.requests).toHaveLength(2);
		expect(Array.from(await scores(offline))).toEqual(Array.from(await scores(head)));
	});

	it('tries again when the version arrives before its bytes were uploaded', async () => {
		const account = await register(t.base);
		const first = device(t, account);
		const second = device(t, account);
		link(first.doc, second.doc);
		await registerHead(first);
		await second.blobs.whenIdle();
		expect(second.requests).toContain('GET 404');
		expect(await second.blobs.list()).toEqual([]);

		await putFiles(first);
		const sha256 = await sha256Hex(head);
		await vi.waitFor(async () => expect(await second.blobs.has(sha256)).toBe(true));
		expect(await second.blobs.get(sha256)).toEqual(head);
	});

	it('sends no request for a registry of built-in models', async () => {
		const account = await register(t.base);
		const doc = new Y.Doc();
		addVersion(doc, {
			...headVersion('tagger-elsewhere', 1),
			source: 'builtin',
			sha256: null
		});
		const only = device(t, account, doc);
		await only.blobs.whenIdle();
		expect(only.requests).toEqual([]);
	});

	it('keeps the models of a person who signs up after using the app without an account', async () => {
		Dexie.dependencies.indexedDB = new IDBFactory();
		const local = await openReplica(LOCAL_USER);
		await deviceBlobsFor(local).put(head);
		await deviceBlobsFor(local).put(dataset);
		const sha256 = await sha256Hex(head);
		local.models.addVersion(headVersion('tagger-before-signup', 1, { sha256 }));

		const account = await register(t.base);
		const replica = await openReplica(account.userId as UserId);
		await adoptLocalThoughts(replica, 'private');
		let root = new Y.Doc();
		await replica.watchDocs({
			opened: (name, doc) => {
				if (name === rootDocName(replica.userId)) root = doc;
			},
			closed: () => {}
		});
		const first = device(t, account, root, false);
		await first.blobs.whenIdle();
		expect(first.requests).toEqual(['PUT 201', 'PUT 201']);

		const second = device(t, account);
		link(root, second.doc);
		await second.blobs.whenIdle();
		second.stop();
		expect(Array.from(await scores(await second.blobs.get(sha256)))).toEqual(
			Array.from(await scores(head))
		);
		await closeReplica(replica.userId);
	});
});
