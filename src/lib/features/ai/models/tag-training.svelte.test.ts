import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildDataset } from '$lib/ai/training/dataset';
import { isHeldOut } from '$lib/ai/training/split';
import { shouldPromote } from '$lib/ai/training/promotion';
import { ReplicaModels } from '$lib/replica/replica-models';
import { MemoryBlobs, metrics } from './fakes';
import type { DatasetTools, Trainer, TrainingRequest, VersionMetrics } from './ports';
import { retrainStaleHeads } from './stale-heads';
import { MIN_EXAMPLES, TagTraining, TAGGER_MODEL, TrainingError } from './tag-training.svelte';

const tools: DatasetTools = { buildDataset, isHeldOut, shouldPromote };

/** Two embedders to switch between; the first is active. */
const embedder = (id: string) => ({
	id,
	name: id,
	version: '1',
	kind: 'static' as const,
	source: 'user' as const,
	dims: 4,
	location: `/models/${id}/`,
	addedAt: 1
});

/** Thoughts t0…t(n-1): the first `pets` ones tagged #pets, every third #work, one #rare. */
function library(n: number, dims = 4) {
	const rows = Array.from({ length: n }, (_, i) => ({
		id: `t${i}`,
		hash: `h${i}`,
		tags: [
			...(i % 2 === 0 ? ['pets'] : []),
			...(i % 3 === 0 ? ['work'] : []),
			...(i === 1 ? ['rare'] : [])
		]
	}));
	const vectors = new Map(
		rows.map((row, i) => [row.id, Float32Array.from({ length: dims }, (_, d) => i + d)])
	);
	return { rows, vectors };
}

/** A training worker that reports one epoch, then answers with `result` unless cancelled. */
class FakeTrainer implements Trainer {
	requests: TrainingRequest[] = [];
	/** While set, training runs until cancelled. */
	isHeld = false;
	constructor(public result: VersionMetrics) {}

	train(
		request: TrainingRequest,
		onProgress: (p: { epoch: number; epochs: number; loss: number }) => void,
		signal: AbortSignal
	) {
		this.requests.push(request);
		onProgress({ epoch: 1, epochs: 2, loss: 0.5 });
		return new Promise<{ bytes: Uint8Array; metrics: VersionMetrics }>((resolve, reject) => {
			signal.addEventListener('abort', () => reject(new Error('The training worker was stopped.')));
			if (this.isHeld) return;
			setTimeout(
				() => resolve({ bytes: Uint8Array.of(request.n, request.dims, 7), metrics: this.result }),
				5
			);
		});
	}
}

function setUp(result: VersionMetrics, n = 30) {
	const registry = new ReplicaModels(new Y.Doc());
	registry.register(embedder('embedder-a'));
	registry.register(embedder('embedder-b'));
	registry.setActiveEmbedder('embedder-a');
	const blobs = new MemoryBlobs();
	const trainer = new FakeTrainer(result);
	const training = new TagTraining({
		registry,
		blobs,
		trainer,
		tools,
		activeEmbedder: () => registry.activeEmbedderId!,
		examples: async () => library(n),
		device: () => 'Firefox on Linux'
	});
	const useEmbedder = (id: string) => registry.setActiveEmbedder(id);
	return { registry, blobs, trainer, training, useEmbedder };
}

const winning = { heldOut: metrics(0.8), baseline: metrics(0.5), active: null };

describe('TagTraining', () => {
	it('trains on the tagged thoughts, stores head and data set, registers and promotes a winner', async () => {
		const { registry, blobs, trainer, training } = setUp(winning);
		const { version, isPromoted } = await training.train();

		const [request] = trainer.requests;
		// t1 carries only #rare, left out for too few examples: 15 #pets ∪ 10 #work = 20 thoughts.
		expect(request.labels).toEqual(['pets', 'work']);
		expect(request.n).toBe(20);
		expect(request.x.length).toBe(20 * 4);
		expect(Array.from(request.y.slice(0, 2))).toEqual([1, 1]);
		expect(request.heldOut.filter(Boolean).length).toBe(version.dataset!.heldOut);
		expect(training.skipped).toEqual([{ tag: 'rare', count: 1 }]);
		expect(MIN_EXAMPLES).toBeGreaterThan(1);

		expect(version).toMatchObject({
			model: TAGGER_MODEL,
			task: 'tag',
			format: 'head',
			embedder: 'embedder-a'
		});
		expect(version.signature.outputs[0].dims).toEqual(['batch', 2]);
		expect(await blobs.get(version.sha256!)).toEqual(Uint8Array.of(20, 4, 7));
		const snapshot = JSON.parse(new TextDecoder().decode(await blobs.get(version.dataset!.sha256)));
		expect(snapshot.digest).toBe(version.dataset!.digest);
		expect(version.dataset!.skipped).toEqual(['rare']);
		expect(registry.getVersion(version.id)).toEqual(version);
		expect(isPromoted).toBe(true);
		expect(registry.aliasesOf('tag').active).toBe(version.id);
		expect(training.phase).toBe('idle');
	});

	it('keeps a version that does not beat the neighbour vote as a candidate', async () => {
		const { registry, training } = setUp({ ...winning, heldOut: metrics(0.505) });
		const { version, isPromoted } = await training.train();
		expect(isPromoted).toBe(false);
		expect(registry.getVersion(version.id)?.metrics?.heldOut.microF1).toBe(0.505);
		expect(registry.aliasesOf('tag')).toEqual({ active: null, previous: null });
	});

	it('scores the active tagger as the rival only while it reads the same embedder', async () => {
		const { trainer, training, useEmbedder } = setUp(winning);
		const first = await training.train();
		await training.train();
		expect(trainer.requests[1].active).toEqual({
			bytes: Uint8Array.of(20, 4, 7),
			labels: ['pets', 'work']
		});
		expect(first.version.embedder).toBe('embedder-a');
		useEmbedder('embedder-b');
		await training.train();
		expect(trainer.requests[2].active).toBeNull();
	});

	it('registers nothing when cancelled, and says so', async () => {
		const { registry, blobs, trainer, training } = setUp(winning);
		trainer.isHeld = true;
		const run = training.train();
		await expect.poll(() => training.phase).toBe('training');
		expect(training.progress).toEqual({ epoch: 1, epochs: 2, loss: 0.5 });
		training.cancel();
		await expect(run).rejects.toMatchObject({ code: 'cancelled' });
		expect(registry.listVersions({ task: 'tag' })).toEqual([]);
		expect(blobs.bytes.size).toBe(0);
		expect(training.isBusy).toBe(false);
	});

	it('refuses to train without a tag that has enough examples, storing nothing', async () => {
		const { blobs, training } = setUp(winning, 3);
		await expect(training.train()).rejects.toEqual(new TrainingError('no_labels'));
		expect(blobs.bytes.size).toBe(0);
	});
});

describe('retrainStaleHeads', () => {
	it('retrains the active head once after the active embedder changes', async () => {
		const { registry, trainer, training, useEmbedder } = setUp(winning);
		await training.train();
		const errors: unknown[] = [];
		const stop = retrainStaleHeads({
			registry,
			training,
			activeEmbedder: () => registry.activeEmbedderId!,
			onError: (e) => errors.push(e)
		});
		expect(trainer.requests).toHaveLength(1);

		useEmbedder('embedder-b');
		await expect.poll(() => registry.listVersions({ task: 'tag' })).toHaveLength(2);
		const retrained = registry.getVersion(registry.aliasesOf('tag').active!)!;
		expect(retrained.embedder).toBe('embedder-b');
		registry.setBackend(retrained.id, 'webgpu');
		expect(trainer.requests).toHaveLength(2);
		expect(errors).toEqual([]);
		stop();
	});
});
