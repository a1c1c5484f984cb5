import { describe, expect, it } from 'vitest';
import { sigmoid } from './logistic';
import { bestCutOffset, validationSplit, withCutOffset } from './suggestion-cut';

describe('suggestion cut', () => {
	it('validates one train row in four, the same rows every time', () => {
		expect(validationSplit([10, 11, 12, 13, 14, 15, 16, 17])).toEqual({
			fit: [10, 11, 12, 14, 15, 16],
			validate: [13, 17]
		});
	});

	it('picks the cut that suggests the true tags and folds it into the bias', () => {
		// Label 0 is true and scores 0.3; label 1 is false and scores 0.2: only a cut in between is right.
		const scores = Float32Array.of(0.3, 0.2, 0.3, 0.2);
		const offset = bestCutOffset(scores, Uint8Array.of(1, 0, 1, 0), 2, ['a', 'b']);
		expect(sigmoid(offset)).toBeLessThan(0.3);
		expect(sigmoid(offset)).toBeGreaterThan(0.2);
		const head = { dims: 1, labels: ['a'], weights: Float32Array.of(1), bias: Float32Array.of(0) };
		expect(withCutOffset(head, offset).bias[0]).toBeCloseTo(-offset);
	});
});
