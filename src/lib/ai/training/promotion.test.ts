import { describe, expect, it } from 'vitest';
import type { EvalMetrics } from './metrics';
import { shouldPromote } from './promotion';

const metrics = (microF1: number, examples = 100): EvalMetrics => ({
	precisionAt3: microF1 / 2,
	recallAt3: microF1,
	microF1,
	examples
});

describe('shouldPromote', () => {
	it('promotes a candidate that beats the neighbour vote and the active tagger by the margin', () => {
		expect(shouldPromote(metrics(0.6), metrics(0.5), metrics(0.55))).toBe(true);
		expect(shouldPromote(metrics(0.6), metrics(0.5), null)).toBe(true);
	});

	it('keeps a candidate that only ties or barely beats a rival', () => {
		expect(shouldPromote(metrics(0.6), metrics(0.6), null)).toBe(false);
		expect(shouldPromote(metrics(0.605), metrics(0.6), null)).toBe(false);
		expect(shouldPromote(metrics(0.6), metrics(0.5), metrics(0.595))).toBe(false);
	});

	it('scales the margin with the rival: 2% relative above an F1 of 0.5', () => {
		expect(shouldPromote(metrics(0.81), metrics(0.8), null)).toBe(false);
		expect(shouldPromote(metrics(0.817), metrics(0.8), null)).toBe(true);
	});

	it('never promotes on an empty held-out split', () => {
		expect(shouldPromote(metrics(1, 0), metrics(0, 0), null)).toBe(false);
	});
});
