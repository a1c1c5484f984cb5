import { describe, expect, it } from 'vitest';
import type { InferenceRecord } from '$lib/ai/inference-record';
import type { UsageReport } from '$sync/protocol/ai-run';
import { costDays, describeQuota, formatCost } from './server-usage';

const DAY = (day: string, runs: number, computeSeconds: number, cost: number) => ({
	day,
	runs,
	failed: 0,
	computeSeconds,
	tokens: runs * 10,
	cost
});

const report: UsageReport = {
	plan: 'free',
	prices: { currency: 'USD', perComputeSecond: 0.5, perGbMonth: 0.02 },
	quotas: {
		compute: { limit: 300, used: 12.34, resetsAt: 0 },
		tokens: { limit: 100, used: 30, resetsAt: 0 },
		storage: { limit: 1000, used: 10, resetsAt: null }
	},
	days: [DAY('2026-12-02', 0, 0, 0), DAY('2026-12-03', 3, 2, 1)],
	models: [],
	storage: { bytes: 10, costPerDay: 0 }
};

const record = (
	at: string,
	backend: InferenceRecord['backend'],
	runMs: number
): InferenceRecord => ({
	at: Date.parse(at),
	model: 'glove-sif-50k',
	version: '1.0.0',
	backend,
	batch: 1,
	inputChars: 1,
	inputTokens: 1,
	queueMs: 0,
	runMs
});

describe('costDays', () => {
	it('puts this device’s own work beside each server day, at the server’s price', () => {
		const days = costDays(report, [
			record('2026-12-03T10:00:00Z', 'wasm', 1_500),
			record('2026-12-03T23:59:59Z', 'webgpu', 500),
			// The server's own runs are already in the report, not the device's work.
			record('2026-12-03T12:00:00Z', 'server', 9_000),
			// Outside the report's window: left out.
			record('2026-11-01T12:00:00Z', 'wasm', 9_000)
		]);
		expect(days).toEqual([
			{
				day: '2026-12-02',
				serverRuns: 0,
				serverSeconds: 0,
				tokens: 0,
				serverCost: 0,
				deviceRuns: 0,
				deviceSeconds: 0,
				deviceCost: 0
			},
			{
				day: '2026-12-03',
				serverRuns: 3,
				serverSeconds: 2,
				tokens: 30,
				serverCost: 1,
				deviceRuns: 2,
				deviceSeconds: 2,
				deviceCost: 1
			}
		]);
	});
});

describe('formatting', () => {
	it('shows small costs with the digits that tell them apart', () => {
		expect(formatCost(0, report.prices)).toBe('0.00 USD');
		expect(formatCost(0.000_05, report.prices)).toBe('0.000050 USD');
		expect(formatCost(1.5, report.prices)).toBe('1.5000 USD');
	});

	it('says where a quota stands', () => {
		expect(describeQuota(report.quotas.compute, 'seconds')).toBe('12.3 of 300 seconds (4%)');
		expect(describeQuota({ limit: 0, used: 0, resetsAt: null }, 'tokens')).toBe(
			'0 of 0 tokens (100%)'
		);
	});
});
