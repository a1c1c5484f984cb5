import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../tests/fixtures/seeded-random';
import { sigmoid } from './logistic';
import { evaluate } from './metrics';
import { scoreHead } from './score-head';
import { BATCH_SIZE, defaultEpochs, trainHead, TrainingError } from './train-head';

const DIMS = 16;
const LABELS = ['a', 'b', 'c'];

/** Label l is on where coordinate l is positive: separable by a linear head. */
function separable(n: number, seed: number) {
	const random = seededRandom(seed);
	const x = Float32Array.from({ length: n * DIMS }, () => random() * 2 - 1);
	const y = new Uint8Array(n * LABELS.length);
	for (let i = 0; i < n; i++) {
		for (let l = 0; l < LABELS.length; l++) y[i * LABELS.length + l] = x[i * DIMS + l] > 0 ? 1 : 0;
	}
	return { x, y, n };
}

const shape = (n: number) => ({ n, dims: DIMS, labels: LABELS });

describe('trainHead', () => {
	it('learns a separable problem well enough to tag unseen examples', async () => {
		const train = separable(400, 1);
		const test = separable(200, 2);
		const head = await trainHead(train.x, train.y, shape(train.n), { seed: 1, epochs: 60 });
		const metrics = evaluate(scoreHead(head, test.x, test.n), test.y, test.n, LABELS, 3, 0.5);
		expect(metrics.microF1).toBeGreaterThan(0.9);
	});

	it('gives the same weights for the same data and seed, other weights for another seed', async () => {
		const { x, y, n } = separable(300, 3);
		const train = (seed: number) => trainHead(x, y, shape(n), { seed, epochs: 5 });
		const first = await train(11);
		expect(await train(11)).toEqual(first);
		expect((await train(12)).weights).not.toEqual(first.weights);
	});

	it('reports every epoch with a falling loss, and yields between epochs', async () => {
		const { x, y, n } = separable(300, 4);
		const reports: [number, number, number][] = [];
		let ticks = 0;
		const ticking = setInterval(() => ticks++, 0);
		await trainHead(x, y, shape(n), { seed: 1, epochs: 8, onEpoch: (...r) => reports.push(r) });
		clearInterval(ticking);
		expect(reports.map(([epoch, epochs]) => [epoch, epochs])).toEqual(
			Array.from({ length: 8 }, (_, i) => [i + 1, 8])
		);
		expect(reports[7][2]).toBeLessThan(reports[0][2]);
		expect(ticks).toBeGreaterThan(0);
	});

	it('stops with code aborted when the signal fires during training', async () => {
		const { x, y, n } = separable(300, 5);
		const abort = new AbortController();
		const epochsRun: number[] = [];
		const training = trainHead(x, y, shape(n), {
			seed: 1,
			epochs: 50,
			signal: abort.signal,
			onEpoch: (epoch) => {
				epochsRun.push(epoch);
				if (epoch === 2) abort.abort();
			}
		});
		await expect(training).rejects.toBeInstanceOf(TrainingError);
		await expect(training).rejects.toMatchObject({ code: 'aborted' });
		expect(epochsRun).toEqual([1, 2]);
	});

	it('refuses data that does not match its shape', async () => {
		const { x, y } = separable(10, 6);
		await expect(trainHead(x, y, shape(11), { seed: 1, epochs: 1 })).rejects.toMatchObject({
			code: 'shape'
		});
	});

	it('runs more passes over fewer examples, and at least 1,500 steps from 1,000 examples up', () => {
		expect(defaultEpochs(200)).toBeGreaterThan(defaultEpochs(5_000));
		for (const n of [1_000, 5_000, 50_000]) {
			expect(defaultEpochs(n) * Math.ceil(n / BATCH_SIZE)).toBeGreaterThanOrEqual(1500);
		}
		expect(defaultEpochs(50_000)).toBe(2);
	});
});

describe('sigmoid', () => {
	it('agrees with Math.exp to 1e-14 over the range that matters', () => {
		let worst = 0;
		for (let z = -39; z <= 39; z += 0.0137) {
			worst = Math.max(worst, Math.abs(sigmoid(z) - 1 / (1 + Math.exp(-z))));
		}
		expect(worst).toBeLessThan(1e-14);
		expect([sigmoid(-50), sigmoid(0), sigmoid(50)]).toEqual([0, 0.5, 1]);
	});
});

describe('trainHead with a hidden layer', () => {
	it('learns an XOR of two coordinates, which no linear head can, the same for the same seed', async () => {
		const train = separable(600, 6);
		const xor = (set: { x: Float32Array; n: number }) => {
			const y = new Uint8Array(set.n);
			for (let i = 0; i < set.n; i++)
				y[i] = set.x[i * DIMS] > 0 !== set.x[i * DIMS + 1] > 0 ? 1 : 0;
			return y;
		};
		const options = { seed: 3, epochs: 80, hidden: 16 };
		const head = await trainHead(
			train.x,
			xor(train),
			{ n: train.n, dims: DIMS, labels: ['x'] },
			options
		);
		expect(head.hidden?.size).toBe(16);
		const test = separable(300, 7);
		const metrics = evaluate(scoreHead(head, test.x, test.n), xor(test), test.n, ['x'], 1, 0.5);
		expect(metrics.microF1).toBeGreaterThan(0.8);
		const again = await trainHead(
			train.x,
			xor(train),
			{ n: train.n, dims: DIMS, labels: ['x'] },
			options
		);
		expect(again).toEqual(head);
	});
});
