import type { InferenceRecord } from '$lib/ai/inference-record';

export interface UsageGroup {
	key: string;
	jobs: number;
	items: number;
	computeMs: number;
	medianRunMs: number;
}

/** Jobs, embedded items and compute time per backend and model. */
export function summarise(records: readonly InferenceRecord[]): UsageGroup[] {
	const groups = new Map<string, InferenceRecord[]>();
	for (const record of records) {
		const key = `${record.model} ${record.version} · ${record.backend}`;
		const list = groups.get(key) ?? [];
		list.push(record);
		groups.set(key, list);
	}
	return [...groups].map(([key, list]) => ({
		key,
		jobs: list.length,
		items: list.reduce((sum, r) => sum + r.batch, 0),
		computeMs: list.reduce((sum, r) => sum + r.runMs, 0),
		medianRunMs: median(list.map((r) => r.runMs))
	}));
}

export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
