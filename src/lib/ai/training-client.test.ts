import { describe, expect, it } from 'vitest';
import { InProcessWorker } from '../../../tests/fixtures/in-process-worker';
import { nodeRuntimes } from '../../../tests/fixtures/node-runtimes';
import { loadHeadModel } from './head-model';
import { TrainingClient, type TrainingProgress, type TrainingRequest } from './training-client';
import { serveTraining } from './training-job';
import { seededRandom } from '../../../tests/fixtures/seeded-random';
import { isHeldOut } from './training/split';

const N = 240;
const DIMS = 6;
const LABELS = ['cats', 'work', 'food'];

/** Unit vectors around one direction per tag, each example carrying the tags near it. */
function dataset(seed = 7): TrainingRequest {
	const random = seededRandom(seed);
	const x = new Float32Array(N * DIMS);
	const y = new Uint8Array(N * LABELS.length);
	for (let i = 0; i < N; i++) {
		const tag = i % LABELS.length;
		const row = Float32Array.from({ length: DIMS }, () => (random() - 0.5) * 0.6);
		row[tag] += 1;
		const norm = Math.hypot(...row);
		x.set(
			row.map((v) => v / norm),
			i * DIMS
		);
		y[i * LABELS.length + tag] = 1;
	}
	const heldOut = Array.from({ length: N }, (_, i) => isHeldOut(`thought-${i}`));
	return { x, y, n: N, dims: DIMS, labels: LABELS, heldOut, seed: 1, epochs: 12, active: null };
}

function trainer() {
	const workers: InProcessWorker[] = [];
	const client = new TrainingClient(() => {
		const worker = new InProcessWorker((reply) => serveTraining(nodeRuntimes(), reply));
		workers.push(worker);
		return worker.asWorker();
	});
	return { client, workers };
}

describe('TrainingClient', () => {
	it('reports every epoch and returns a head that runs, with its held-out metrics', async () => {
		const { client, workers } = trainer();
		const progress: TrainingProgress[] = [];
		const request = dataset();
		const heldX = request.x.filter((_, i) => request.heldOut[Math.floor(i / DIMS)]);
		const result = await client.train(request, (step) => progress.push(step));
		expect(progress.map((step) => step.epoch)).toEqual([...Array(12).keys()].map((i) => i + 1));
		expect(progress.every((step) => step.epochs === 12 && step.loss > 0)).toBe(true);
		expect(progress[11].loss).toBeLessThan(progress[0].loss);
		const held = request.heldOut.filter(Boolean).length;
		expect(result.metrics.heldOut.examples).toBe(held);
		expect(result.metrics.baseline.examples).toBe(held);
		expect([result.train, result.heldOut]).toEqual([N - held, held]);
		expect(result.metrics.heldOut.microF1).toBeGreaterThan(0.8);
		expect(result.metrics.active).toBeNull();
		const head = await loadHeadModel(result.bytes, LABELS.length, 'wasm', nodeRuntimes());
		expect(await head.score(heldX, held)).toHaveLength(held * LABELS.length);
		// The vectors moved to the worker, and the worker ended with the training.
		expect(request.x).toHaveLength(0);
		expect(workers[0].isTerminated).toBe(true);
	});

	it('gives the same bytes for the same data and seed, and scores the active head alike', async () => {
		const { client } = trainer();
		const first = await client.train(dataset(), () => {});
		const second = await client.train(
			{ ...dataset(), active: { bytes: first.bytes, labels: LABELS } },
			() => {}
		);
		expect(second.bytes).toEqual(first.bytes);
		expect(second.metrics.active).toEqual(first.metrics.heldOut);
	});

	it('scores an active head by its labels, and fails on one that reads other vectors', async () => {
		const { client } = trainer();
		const first = await client.train(dataset(), () => {});
		const renamed = { bytes: first.bytes, labels: ['food', 'cats', 'old-tag'] };
		const aligned = await client.train({ ...dataset(), active: renamed }, () => {});
		expect(aligned.metrics.active!.microF1).toBeLessThan(first.metrics.heldOut.microF1);
		const narrow = { ...dataset(), dims: 3, x: new Float32Array(N * 3) };
		const other = await client.train(narrow, () => {});
		const stale = { ...dataset(), active: { bytes: other.bytes, labels: LABELS } };
		await expect(client.train(stale, () => {})).rejects.toThrow(/reads 3 numbers/);
	});

	it('cancels by ending the worker', async () => {
		const { client, workers } = trainer();
		const abort = new AbortController();
		const training = client.train(
			{ ...dataset(), epochs: 200 },
			(step) => {
				if (step.epoch === 2) abort.abort();
			},
			abort.signal
		);
		await expect(training).rejects.toMatchObject({ code: 'aborted' });
		expect(workers[0].isTerminated).toBe(true);
		await expect(client.train(dataset(), () => {}, abort.signal)).rejects.toMatchObject({
			code: 'aborted'
		});
		expect(workers).toHaveLength(1);
	});

	it('refuses a split with nothing to train on', async () => {
		const { client } = trainer();
		const request = { ...dataset(), heldOut: new Array<boolean>(N).fill(true) };
		await expect(client.train(request, () => {})).rejects.toMatchObject({ code: 'shape' });
	});
});
