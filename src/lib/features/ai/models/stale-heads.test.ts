import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ReplicaModels } from '$lib/replica/replica-models';
import { headVersion, uploadedEmbedder } from '../../../../../tests/fixtures/model-versions';
import { retrainStaleHeads } from './stale-heads';
import type { TrainingOutcome } from './tag-training.svelte';

/** A trainer that records its runs and finishes them when told to. */
function fakeTraining() {
	let finish = () => {};
	const training = {
		isBusy: false,
		runs: 0,
		train(): Promise<TrainingOutcome> {
			training.runs++;
			training.isBusy = true;
			return new Promise((_, reject) => {
				finish = () => {
					training.isBusy = false;
					reject(new Error('kept as a candidate'));
				};
			});
		},
		finish: () => finish()
	};
	return training;
}

function setUp() {
	const registry = new ReplicaModels(new Y.Doc());
	for (const [i, model] of ['embedder-b', 'embedder-c'].entries())
		registry.addVersion(uploadedEmbedder(`${model}-1`, model, i));
	const tagger = headVersion('tagger-1', 1, { embedder: 'embedder-a' });
	registry.addVersion(tagger);
	registry.promote('tag', tagger.id);
	const training = fakeTraining();
	const errors: unknown[] = [];
	let embedder = 'embedder-a';
	const stop = retrainStaleHeads({
		registry,
		training,
		activeEmbedder: () => embedder,
		onError: (error) => errors.push(error)
	});
	const switchTo = (id: string) => {
		embedder = id;
		registry.setActiveEmbedder(id);
	};
	return { registry, training, errors, stop, switchTo };
}

describe('retrainStaleHeads', () => {
	it('leaves a tagger that reads the active embedder alone', () => {
		const { registry, training } = setUp();
		registry.setBackend('tagger-1', 'webgpu');
		expect(training.runs).toBe(0);
	});

	it('retrains once the active embedder changes, and tries each stale pair once', async () => {
		const { registry, training, errors, switchTo } = setUp();
		switchTo('embedder-b');
		expect(training.runs).toBe(1);
		// Changes while it runs start nothing more.
		registry.setBackend('tagger-1', 'webgpu');
		expect(training.runs).toBe(1);
		training.finish();
		await Promise.resolve();
		expect(errors).toHaveLength(1);
		// The gate turned the run down: the same pair is not retried in a loop.
		registry.setBackend('tagger-1', 'wasm');
		expect(training.runs).toBe(1);
		// Another embedder is another pair.
		switchTo('embedder-c');
		expect(training.runs).toBe(2);
	});

	it('stops listening when told to', () => {
		const { training, stop, switchTo } = setUp();
		stop();
		switchTo('embedder-b');
		expect(training.runs).toBe(0);
	});
});
