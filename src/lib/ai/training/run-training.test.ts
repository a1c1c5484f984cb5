import { describe, expect, it } from 'vitest';
import { buildHeadOnnx } from '../../../../models/head-onnx';
import { seededRandom } from '../../../../tests/fixtures/seeded-random';
import { runTraining, type TrainingRequest } from './run-training';
import { trainHead } from './train-head';

const DIMS = 12;
const LABELS = ['books', 'garden', 'music', 'work'];

/** Unit vectors near one centre per label: what an embedder gives thoughts on one topic. */
function topics(n: number, seed: number): Omit<TrainingRequest, 'seed' | 'active'> {
	const random = seededRandom(seed);
	const centres = LABELS.map(() => Array.from({ length: DIMS }, () => random() - 0.5));
	const x = new Float32Array(n * DIMS);
	const y = new Uint8Array(n * LABELS.length);
	for (let i = 0; i < n; i++) {
		const label = Math.floor(random() * LABELS.length);
		y[i * LABELS.length + label] = 1;
		const row = centres[label].map((c) => c + (random() - 0.5) * 0.8);
		const norm = Math.hypot(...row);
		row.forEach((value, d) => (x[i * DIMS + d] = value / norm));
	}
	const heldOut = Array.from({ length: n }, (_, i) => i % 5 === 0);
	return { x, y, n, dims: DIMS, labels: LABELS, heldOut };
}

describe('runTraining', () => {
	it('trains on the train split and scores head and neighbour vote on the held-out one', async () => {
		const set = topics(500, 1);
		const run = await runTraining({ ...set, seed: 42, active: null });
		expect([run.train, run.heldOut]).toEqual([400, 100]);
		expect(run.metrics.heldOut.examples).toBe(100);
		expect(run.metrics.baseline.examples).toBe(100);
		expect(run.metrics.heldOut.microF1).toBeGreaterThan(0.6);
		expect(run.metrics.baseline.microF1).toBeGreaterThan(0);
		expect(run.metrics.active).toBeNull();
		expect(run.bytes).toEqual(buildHeadOnnx(run.head));
	});

	it('scores the active head on the same examples, over its own labels', async () => {
		const set = topics(500, 2);
		const candidate = await runTraining({ ...set, seed: 42, active: null });
		// The active head knew one tag fewer: that column scores 0, the rest line up by name.
		const y3 = new Uint8Array(set.n * 3);
		for (let i = 0; i < set.n; i++) y3.set(set.y.subarray(i * 4, i * 4 + 3), i * 3);
		const active = await trainHead(
			set.x,
			y3,
			{ n: set.n, dims: DIMS, labels: LABELS.slice(0, 3) },
			{ seed: 1, epochs: 20 }
		);
		const run = await runTraining({
			...set,
			seed: 42,
			active: { bytes: buildHeadOnnx(active), labels: active.labels }
		});
		expect(run.metrics.heldOut).toEqual(candidate.metrics.heldOut);
		expect(run.metrics.active?.examples).toBe(100);
		expect(run.metrics.active!.recallAt3).toBeLessThan(run.metrics.heldOut.recallAt3);
	});

	it('uses the injected scorer for an active head of another kind', async () => {
		const set = topics(100, 3);
		const asked: number[] = [];
		const run = await runTraining(
			{ ...set, seed: 42, active: { bytes: Uint8Array.of(0), labels: ['music'] } },
			{ scoreActive: async (_bytes, _x, n) => (asked.push(n), new Float32Array(n).fill(0.9)) }
		);
		expect(asked).toEqual([20]);
		expect(run.metrics.active?.examples).toBe(20);
	});

	it('refuses a split that leaves nothing to train on', async () => {
		const set = topics(10, 4);
		await expect(
			runTraining({ ...set, heldOut: set.heldOut.map(() => true), seed: 1, active: null })
		).rejects.toMatchObject({ code: 'shape' });
	});
});
