import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Replica } from '$lib/replica/replica';
import type { ModelEntry } from '$sync/doc/model-registry';
import type { UserId } from '$sync/ids';
import type { EmbedJob } from './ai-client';
import { Embedders } from './embedders.svelte';
import { BUILTIN_EMBEDDER } from './models';
import type { ModelRef } from './protocol';
import type { EmbedWorker } from './semantic-index.svelte';

/** Stands in for one index's AI worker: counts its jobs; a broken one fails every job. */
class FakeWorker implements EmbedWorker {
	jobs = 0;
	model: string | null = null;
	isTerminated = false;

	constructor(private readonly isBroken: (model: ModelRef) => boolean) {}

	async job(model: ModelRef, texts: string[]): Promise<EmbedJob> {
		this.jobs++;
		this.model = model.id;
		if (this.isBroken(model)) throw new Error(`${model.id} could not be loaded`);
		const stats = { backend: 'wasm', batch: texts.length, inputChars: 0, inputTokens: 0 } as const;
		return {
			vectors: texts.map((text) => Float32Array.of(1, text.length, 0)),
			record: { at: 0, model: model.id, version: model.version, ...stats, queueMs: 0, runMs: 0 }
		};
	}

	async warm(): Promise<void> {}

	terminate(): void {
		this.isTerminated = true;
	}
}

const model = (id: string, kind: ModelEntry['kind']): ModelEntry => ({
	...BUILTIN_EMBEDDER,
	id,
	name: id,
	kind,
	source: 'user',
	location: id
});
/** A transformer model has no server fallback: its failure is final. */
const BROKEN = model('broken', 'transformers');
const OTHER = model('other', 'static');

let counter = 0;
const open: Replica[] = [];
afterEach(async () => {
	for (const replica of open.splice(0)) await replica.close();
});

async function setUp() {
	const replica = await Replica.open(`embedders${++counter}` as UserId);
	open.push(replica);
	await replica.capture('first thought about gardens', { createdAt: 1000 });
	await replica.capture('second thought about rivers', { createdAt: 2000 });
	await replica.flush();
	const workers: FakeWorker[] = [];
	const embedders = new Embedders(replica, () => {
		const worker = new FakeWorker((m) => m.id === BROKEN.id);
		workers.push(worker);
		return worker;
	});
	const workerFor = (id: string) => workers.find((w) => w.model === id)!;
	return { replica, embedders, workers, workerFor };
}

/** Writes a thought and waits until the active index has embedded it. */
async function captureAndEmbed(replica: Replica, embedders: Embedders): Promise<void> {
	const size = embedders.active.size;
	await replica.capture(`a new thought about mountains ${size}`);
	await replica.flush();
	await vi.waitFor(() => expect(embedders.active.size).toBe(size + 1));
	// Any other index got the same change in the same tick: let its zero-delay timer run too.
	await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('Embedders', () => {
	it('embeds nothing for an index until it is started', async () => {
		const { replica, embedders, workers } = await setUp();
		const index = embedders.active;
		await replica.capture('written before anyone searched');
		await replica.flush();
		await new Promise((resolve) => setTimeout(resolve, 0));
		expect(workers.map((w) => w.jobs)).toEqual([0]);
		await index.start();
		expect(workers.map((w) => w.jobs)).toEqual([1]);
		expect(index.size).toBe(3);
	});

	it('stops the old model after a switch: an edit is embedded by the new one only', async () => {
		const { replica, embedders, workerFor } = await setUp();
		await embedders.active.start();
		const old = workerFor(BUILTIN_EMBEDDER.id);
		expect(old.jobs).toBe(1);

		expect(await embedders.activate(OTHER)).toBe(true);
		expect(embedders.activeId).toBe(OTHER.id);
		const jobsBefore = workerFor(OTHER.id).jobs;
		await captureAndEmbed(replica, embedders);

		expect(workerFor(OTHER.id).jobs).toBe(jobsBefore + 1);
		expect(old.jobs).toBe(1);
		expect(old.isTerminated).toBe(true);
	});

	it('drops the model of a failed switch: later edits do not try to load it again', async () => {
		const { replica, embedders, workerFor } = await setUp();
		await embedders.active.start();
		vi.spyOn(console, 'error').mockImplementation(() => {});

		expect(await embedders.activate(BROKEN)).toBe(false);
		expect(embedders.activeId).toBe(BUILTIN_EMBEDDER.id);
		const broken = workerFor(BROKEN.id);
		expect(broken.jobs).toBe(1);
		await captureAndEmbed(replica, embedders);
		await captureAndEmbed(replica, embedders);

		expect(broken.jobs).toBe(1);
		expect(broken.isTerminated).toBe(true);
		expect(workerFor(BUILTIN_EMBEDDER.id).jobs).toBe(3);
	});

	it('follows a switch made on another device: the new model takes over the work', async () => {
		const { replica, embedders, workerFor } = await setUp();
		await embedders.active.start();
		replica.models.register(OTHER);
		replica.models.setActiveEmbedder(OTHER.id);

		await vi.waitFor(() => expect(embedders.active.size).toBe(2));
		expect(embedders.active.model.id).toBe(OTHER.id);
		expect(workerFor(BUILTIN_EMBEDDER.id).isTerminated).toBe(true);
	});

	it('disposes the index it replaces when consent to download arrives', async () => {
		const { embedders, workerFor } = await setUp();
		const withoutConsent = embedders.indexFor(OTHER);
		await withoutConsent.start();
		const first = workerFor(OTHER.id);
		const withConsent = embedders.indexFor(OTHER, true);
		expect(withConsent).not.toBe(withoutConsent);
		expect(withConsent.model.allowDownload).toBe(true);
		expect(first.isTerminated).toBe(true);
	});
});
