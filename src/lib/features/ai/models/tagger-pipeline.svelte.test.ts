import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { InProcessWorker } from '../../../../../tests/fixtures/in-process-worker';
import { nodeRuntimes } from '../../../../../tests/fixtures/node-runtimes';
import { seededRandom } from '../../../../../tests/fixtures/seeded-random';
import { loadHeadModel } from '$lib/ai/head-model';
import { TrainingClient } from '$lib/ai/training-client';
import { serveTraining } from '$lib/ai/training-job';
import { buildDataset } from '$lib/ai/training/dataset';
import { shouldPromote } from '$lib/ai/training/promotion';
import { isHeldOut } from '$lib/ai/training/split';
import { DeviceBlobs } from '$lib/app/device-blobs';
import { topScoredTags } from '$lib/features/thoughts/suggest-tags';
import { ReplicaModels } from '$lib/replica/replica-models';
import type { UserId } from '$sync/ids';
import { ActiveTagger } from './active-tagger.svelte';
import { ModelVersions } from './model-versions.svelte';
import type { HeadRunner } from './ports';
import { TagTraining } from './tag-training.svelte';

const DIMS = 6;
const TAGS = ['cats', 'work', 'food'];

/** Thoughts whose vectors lie around one direction per tag; two carry a tag too rare to learn. */
function library(n: number) {
	const random = seededRandom(3);
	const rows = Array.from({ length: n }, (_, i) => ({
		id: `thought-${i}`,
		hash: `h${i}`,
		tags: [TAGS[i % TAGS.length], ...(i < 2 ? ['rare'] : [])]
	}));
	const vectors = new Map(
		rows.map((row, i) => {
			const vector = Float32Array.from({ length: DIMS }, () => (random() - 0.5) * 0.6);
			vector[i % TAGS.length] += 1;
			return [row.id, vector];
		})
	);
	return { rows, vectors };
}

/** The AI worker's head job, in this process on onnxruntime-web's wasm build. */
const runner: HeadRunner = {
	async scoreTags(head, vectors) {
		const model = await loadHeadModel(head.bytes, head.labels.length, 'wasm', nodeRuntimes());
		const packed = new Float32Array(vectors.length * DIMS);
		vectors.forEach((vector, i) => packed.set(vector, i * DIMS));
		const scores = await model.score(packed, vectors.length);
		await model.release();
		const width = head.labels.length;
		return {
			scores: vectors.map((_, i) => scores.slice(i * width, (i + 1) * width)),
			backend: model.backend,
			fallback: model.fallback
		};
	}
};

let blobs: DeviceBlobs | undefined;
afterEach(() => blobs?.store.close());

describe('the personal tagger, from tagged thoughts to suggestions', () => {
	it('trains in the worker, stores, registers, gates, suggests and rolls back', async () => {
		const registry = new ReplicaModels(new Y.Doc());
		blobs = new DeviceBlobs('tagger-pipeline' as UserId);
		const trainer = new TrainingClient(() =>
			new InProcessWorker((reply) => serveTraining(nodeRuntimes(), reply)).asWorker()
		);
		const training = new TagTraining({
			registry,
			blobs,
			trainer,
			tools: { buildDataset, isHeldOut, shouldPromote },
			activeEmbedder: () => 'embedder-a',
			examples: async () => library(150),
			device: () => 'Node'
		});
		const versions = new ModelVersions({ registry, blobs, activeEmbedder: () => 'embedder-a' });
		const tagger = new ActiveTagger({ registry, blobs, runner: () => runner });
		const workLike = Float32Array.of(0.1, 1, 0, 0.1, 0, 0);

		const first = await training.train();
		const metrics = first.version.metrics!;
		expect(training.skipped).toEqual([{ tag: 'rare', count: 2 }]);
		expect(first.version.labels).toEqual(['cats', 'food', 'work']);
		expect(metrics.heldOut.examples).toBe(first.version.dataset!.heldOut);
		expect(metrics.heldOut.microF1).toBeGreaterThan(0.8);
		expect(metrics.active).toBeNull();
		expect(first.isPromoted).toBe(shouldPromote(metrics.heldOut, metrics.baseline, null));
		// Its head is a real ONNX file in the device's blob store.
		const file = await versions.exportFile(first.version);
		expect(file.name).toBe('personal-tagger-v1.onnx');
		expect(file.bytes.length).toBe(first.version.size);

		if (!first.isPromoted) versions.promote(first.version);
		const scored = await tagger.score(workLike, 'embedder-a');
		expect(topScoredTags(scored!.labels, scored!.scores, [])[0]).toBe('work');
		expect(topScoredTags(scored!.labels, scored!.scores, ['work'])).not.toContain('work');

		// Same data, same seed: the same model, now measured against the active one.
		const second = await training.train();
		expect(second.version.sha256).toBe(first.version.sha256);
		expect(second.version.metrics!.active).toEqual(metrics.heldOut);
		expect(second.isPromoted).toBe(false);

		versions.promote(second.version);
		expect(versions.aliases.tag).toEqual({ active: second.version.id, previous: first.version.id });
		versions.rollBack('tag');
		expect(versions.aliases.tag.active).toBe(first.version.id);
		// Both versions share one head file: deleting one keeps it for the other.
		await versions.remove(second.version);
		expect(await blobs.get(first.version.sha256!)).toEqual(file.bytes);
	});
});
