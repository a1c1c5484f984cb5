import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { addVersion, listVersions, observeVersions } from '$sync/doc/model-versions';
import { headVersion, uploadedEmbedder } from '../../../tests/fixtures/model-versions';
import { BlobError } from '$lib/replica/blob-store';
import { versionBlobs } from '$sync/doc/model-versions';
import { ModelPrefetch, type BlobFetcher, type VersionFeed } from './model-prefetch';
import { notices } from './notices.svelte';

const sha = (c: string) => c.repeat(64);
const RETRY = { firstMs: 1000, maxMs: 4000 };

const feedOf = (doc: Y.Doc): VersionFeed => ({
	listVersions: () => listVersions(doc),
	onChanged: (listener) => observeVersions(doc, listener)
});

/**
 * A device's blobs whose downloads the test settles by hand: `failWith` makes the next
 * downloads of a blob fail, and `inFlight` tracks how many run at once.
 */
class ManualBlobs implements BlobFetcher {
	readonly kept = new Set<string>();
	readonly asked: string[] = [];
	readonly failWith = new Map<string, BlobError>();
	inFlight = 0;
	maxInFlight = 0;

	async has(sha256: string): Promise<boolean> {
		return this.kept.has(sha256);
	}

	async get(sha256: string): Promise<Uint8Array> {
		this.asked.push(sha256);
		this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
		await new Promise((resolve) => setTimeout(resolve, 5));
		this.inFlight--;
		const failure = this.failWith.get(sha256);
		if (failure) throw failure;
		this.kept.add(sha256);
		return new Uint8Array([1]);
	}
}

let doc: Y.Doc;
let blobs: ManualBlobs;
let stop: () => void = () => {};

beforeEach(() => {
	vi.useFakeTimers();
	vi.spyOn(console, 'error').mockImplementation(() => {});
	doc = new Y.Doc();
	blobs = new ManualBlobs();
});

afterEach(() => {
	stop();
	vi.useRealTimers();
	vi.restoreAllMocks();
});

async function started(prefetch: ModelPrefetch): Promise<ModelPrefetch> {
	stop = prefetch.start();
	await settle(prefetch);
	return prefetch;
}

async function settle(prefetch: ModelPrefetch): Promise<void> {
	const idle = prefetch.whenIdle();
	await vi.advanceTimersByTimeAsync(100);
	await idle;
}

describe('versionBlobs', () => {
	it('names the main file, the other files and the data set; nothing for a built-in model', () => {
		const dataset = { digest: sha('1'), sha256: sha('2'), examples: 9, train: 7, heldOut: 2 };
		const head = headVersion('t1', 1, {
			sha256: sha('a'),
			dataset: { ...dataset, labels: ['work'], skipped: [] }
		});
		expect(versionBlobs(head)).toEqual([sha('a'), sha('2')]);
		const embedder = uploadedEmbedder('e1', 'mine', 1);
		expect(versionBlobs(embedder)).toEqual(['cd'.repeat(32), 'ef'.repeat(32)]);
		expect(versionBlobs({ ...embedder, source: 'hub', sha256: null, files: undefined })).toEqual(
			[]
		);
	});
});

describe('ModelPrefetch', () => {
	it('downloads what the registry references and the device lacks, a few at a time', async () => {
		blobs.kept.add(sha('a'));
		addVersion(doc, headVersion('t1', 1, { sha256: sha('a') }));
		addVersion(doc, headVersion('t2', 2, { sha256: sha('b') }));
		addVersion(doc, {
			...uploadedEmbedder('e1', 'mine', 3),
			sha256: sha('c'),
			files: { 'tokenizer.json': sha('d'), 'config.json': sha('e') }
		});
		await started(new ModelPrefetch(feedOf(doc), blobs, { concurrency: 2, retry: RETRY }));
		expect(blobs.asked.sort()).toEqual([sha('b'), sha('c'), sha('d'), sha('e')]);
		expect(blobs.maxInFlight).toBe(2);
	});

	it('does nothing for versions the app or the hub serves', async () => {
		const hub = uploadedEmbedder('b1', 'hub-model', 1);
		addVersion(doc, { ...hub, source: 'hub', sha256: null, files: undefined });
		const has = vi.spyOn(blobs, 'has');
		await started(new ModelPrefetch(feedOf(doc), blobs, { retry: RETRY }));
		expect(has).not.toHaveBeenCalled();
		expect(blobs.asked).toEqual([]);
	});

	it('follows the registry: a version another device adds is downloaded', async () => {
		const prefetch = await started(new ModelPrefetch(feedOf(doc), blobs, { retry: RETRY }));
		addVersion(doc, headVersion('t1', 1, { sha256: sha('f') }));
		await settle(prefetch);
		expect(blobs.kept.has(sha('f'))).toBe(true);
	});

	it('tries a failed download again later, waiting longer each time, quietly while offline', async () => {
		blobs.failWith.set(sha('a'), new BlobError('network', 'offline'));
		addVersion(doc, headVersion('t1', 1, { sha256: sha('a') }));
		const prefetch = await started(new ModelPrefetch(feedOf(doc), blobs, { retry: RETRY }));
		expect(blobs.asked).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(RETRY.firstMs);
		expect(blobs.asked).toHaveLength(2);
		// Second failure: the wait doubled.
		await vi.advanceTimersByTimeAsync(RETRY.firstMs + 100);
		expect(blobs.asked).toHaveLength(2);
		blobs.failWith.clear();
		await vi.advanceTimersByTimeAsync(RETRY.firstMs);
		await settle(prefetch);
		expect(blobs.asked).toHaveLength(3);
		expect(blobs.kept.has(sha('a'))).toBe(true);
		expect(console.error).not.toHaveBeenCalled();
	});

	it('tells the person once about a failure that does not pass by itself', async () => {
		blobs.failWith.set(sha('a'), new BlobError('corrupt', 'does not match its sha256'));
		addVersion(doc, headVersion('t1', 1, { sha256: sha('a') }));
		await started(new ModelPrefetch(feedOf(doc), blobs, { retry: RETRY }));
		await vi.advanceTimersByTimeAsync(RETRY.firstMs * 3);
		expect(blobs.asked.length).toBeGreaterThan(1);
		expect(console.error).toHaveBeenCalledTimes(1);
		expect(notices.items.at(-1)?.message).toBe(
			'Could not download a model file. does not match its sha256'
		);
	});

	it('stops following the registry and retrying once stopped', async () => {
		blobs.failWith.set(sha('a'), new BlobError('server', 'busy'));
		addVersion(doc, headVersion('t1', 1, { sha256: sha('a') }));
		await started(new ModelPrefetch(feedOf(doc), blobs, { retry: RETRY }));
		stop();
		addVersion(doc, headVersion('t2', 2, { sha256: sha('b') }));
		await vi.advanceTimersByTimeAsync(RETRY.maxMs * 2);
		expect(blobs.asked).toEqual([sha('a')]);
	});
});
