import type { InferenceRecord } from '$lib/ai/inference-record';
import { median, type UsageGroup } from './usage';

/** uPlot's column layout: x values first, then one array per series, all the same length. */
export type Columns = [x: number[], ...series: number[][]];

/** Job time (epoch ms), run ms and queue ms, oldest first: uPlot needs ascending x. */
export function latencySeries(records: readonly InferenceRecord[]): Columns {
	const sorted = [...records].sort((a, b) => a.at - b.at || (a.seq ?? 0) - (b.seq ?? 0));
	return [sorted.map((r) => r.at), sorted.map((r) => r.runMs), sorted.map((r) => r.queueMs)];
}

export function describeLatency(records: readonly InferenceRecord[]): string {
	const runs = records.map((r) => r.runMs);
	const queues = records.map((r) => r.queueMs);
	return (
		`Run and queue time of the last ${records.length} jobs: run median ${ms(median(runs))}, ` +
		`longest ${ms(Math.max(...runs))}; queue median ${ms(median(queues))}, ` +
		`longest ${ms(Math.max(...queues))}.`
	);
}

export interface UsageBars {
	labels: string[];
	/** x is the category index, then jobs, then compute ms. */
	columns: Columns;
}

export function usageBars(groups: readonly UsageGroup[]): UsageBars {
	return {
		// Two lines, model over backend, so neighbouring categories fit side by side.
		labels: groups.map((g) => g.key.replace(' · ', '\n')),
		columns: [groups.map((_, i) => i), groups.map((g) => g.jobs), groups.map((g) => g.computeMs)]
	};
}

export function describeUsage(groups: readonly UsageGroup[]): string {
	const parts = groups.map((g) => `${g.key}: ${g.jobs} jobs, ${ms(g.computeMs)} compute`);
	return `Jobs and compute time per model and backend. ${parts.join('; ')}.`;
}

function ms(value: number): string {
	return `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
}
