import { describe, expect, it } from 'vitest';
import { evaluate } from './metrics';

const LABELS = ['a', 'b', 'c', 'd'];

describe('evaluate', () => {
	it('computes precision@3, recall@3 and micro-F1 of what would be suggested', () => {
		// prettier-ignore
		const scores = Float32Array.from([
			0.9, 0.8, 0.1, 0.7, // top 3: a, b, d; shown above 0.5: a, b, d
			0.2, 0.6, 0.4, 0.3, // top 3: b, c, d; shown: b
			0.0, 0.0, 0.0, 0.0 //  nothing scores: nothing shown or counted
		]);
		// prettier-ignore
		const truth = Uint8Array.from([
			1, 0, 1, 0,
			0, 0, 1, 0,
			0, 0, 0, 1
		]);
		const metrics = evaluate(scores, truth, 3, LABELS, 3, 0.5);
		// Found in the top 3: 1 of 2, 1 of 1, 0 of 1.
		expect(metrics.precisionAt3).toBeCloseTo((1 / 3 + 1 / 3 + 0) / 3, 10);
		expect(metrics.recallAt3).toBeCloseTo((1 / 2 + 1 + 0) / 3, 10);
		// Shown: a, b, d and b (4), of which a is right; 4 true tags.
		expect(metrics.microF1).toBeCloseTo((2 * 1) / (4 + 4), 10);
		expect(metrics.examples).toBe(3);
	});

	it('breaks ties toward the earlier label, so the same scores always give the same metrics', () => {
		const scores = Float32Array.from([0.5, 0.5, 0.5, 0.5]);
		expect(evaluate(scores, Uint8Array.from([0, 0, 1, 0]), 1, LABELS, 3).precisionAt3).toBeCloseTo(
			1 / 3
		);
		expect(evaluate(scores, Uint8Array.from([0, 0, 0, 1]), 1, LABELS, 3).precisionAt3).toBe(0);
	});

	it('gives perfect scores to a perfect tagger and zero to an empty one', () => {
		const truth = Uint8Array.from([1, 0, 0, 0, 0, 1, 1, 0]);
		const perfect = evaluate(Float32Array.from(truth), truth, 2, LABELS, 3, 0.5);
		expect(perfect.microF1).toBe(1);
		expect(perfect.recallAt3).toBe(1);
		const empty = evaluate(new Float32Array(8), truth, 2, LABELS);
		expect(empty).toEqual({ precisionAt3: 0, recallAt3: 0, microF1: 0, examples: 2 });
	});

	it('refuses scores that do not cover every example and label', () => {
		expect(() => evaluate(new Float32Array(3), new Uint8Array(4), 1, LABELS)).toThrow(RangeError);
	});
});
