import { describe, expect, it } from 'vitest';
import type { InferenceRecord } from '$lib/ai/inference-record';
import { describeLatency, describeUsage, latencySeries, usageBars } from './chart-data';
import { summarise } from './usage';

function job(
	seq: number,
	at: number,
	runMs: number,
	backend: InferenceRecord['backend'] = 'wasm'
): InferenceRecord {
	const base = { model: 'glove-sif-50k', version: '1.0.0', inputChars: 10, inputTokens: 3 };
	return { ...base, seq, at, backend, batch: 2, queueMs: seq / 10, runMs };
}

describe('latencySeries', () => {
	it('orders the newest-first log oldest first, keeping run and queue beside their time', () => {
		const log = [job(3, 3000, 0.5), job(2, 2000, 2), job(1, 1000, 1)];
		expect(latencySeries(log)).toEqual([
			[1000, 2000, 3000],
			[1, 2, 0.5],
			[0.1, 0.2, 0.3]
		]);
	});

	it('breaks ties in time by sequence, and is three empty columns for an empty log', () => {
		expect(latencySeries([job(2, 1000, 2), job(1, 1000, 1)])[1]).toEqual([1, 2]);
		expect(latencySeries([])).toEqual([[], [], []]);
	});

	it('summarises medians and the longest times for screen readers', () => {
		const text = describeLatency([job(1, 1000, 1), job(2, 2000, 3), job(3, 3000, 20)]);
		expect(text).toBe(
			'Run and queue time of the last 3 jobs: run median 3.00 ms, longest 20 ms; ' +
				'queue median 0.20 ms, longest 0.30 ms.'
		);
	});
});

describe('usageBars', () => {
	it('puts one category per model and backend, with jobs and compute time', () => {
		const groups = summarise([job(1, 1, 2), job(2, 2, 3), job(3, 3, 40, 'webgpu')]);
		expect(usageBars(groups)).toEqual({
			labels: ['glove-sif-50k 1.0.0\nwasm', 'glove-sif-50k 1.0.0\nwebgpu'],
			columns: [
				[0, 1],
				[2, 1],
				[5, 40]
			]
		});
		expect(describeUsage(groups)).toContain('glove-sif-50k 1.0.0 · webgpu: 1 jobs, 40 ms compute');
	});

	it('is empty without groups', () => {
		expect(usageBars([])).toEqual({ labels: [], columns: [[], [], []] });
	});
});
