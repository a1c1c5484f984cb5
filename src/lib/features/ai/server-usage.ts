import type { InferenceRecord } from '$lib/ai/inference-record';
import type { PriceTable, QuotaState, UsageReport } from '$sync/protocol/ai-run';

/** One day of the server's bill beside what this device's own work would have cost there. */
export interface CostDay {
	/** `YYYY-MM-DD`, UTC, as the server counts days. */
	day: string;
	serverRuns: number;
	serverSeconds: number;
	tokens: number;
	serverCost: number;
	deviceRuns: number;
	deviceSeconds: number;
	/** This device's compute at the server's price per compute-second. */
	deviceCost: number;
}

const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);

/**
 * The report's days (oldest first, every day of the window), each with the jobs this device
 * ran itself on those days. Only this device's log is here: other devices keep their own.
 */
export function costDays(report: UsageReport, records: readonly InferenceRecord[]): CostDay[] {
	const device = new Map<string, { runs: number; ms: number }>();
	for (const record of records) {
		if (record.backend === 'server') continue;
		const day = utcDay(record.at);
		const total = device.get(day) ?? { runs: 0, ms: 0 };
		device.set(day, { runs: total.runs + 1, ms: total.ms + record.runMs });
	}
	return report.days.map((day) => {
		const own = device.get(day.day) ?? { runs: 0, ms: 0 };
		return {
			day: day.day,
			serverRuns: day.runs,
			serverSeconds: day.computeSeconds,
			tokens: day.tokens,
			serverCost: day.cost,
			deviceRuns: own.runs,
			deviceSeconds: own.ms / 1000,
			deviceCost: (own.ms / 1000) * report.prices.perComputeSecond
		};
	});
}

/** A price as a person reads it: enough digits to tell tiny amounts apart. */
export function formatCost(amount: number, prices: Pick<PriceTable, 'currency'>): string {
	const digits = amount === 0 ? 2 : amount < 0.01 ? 6 : 4;
	return `${amount.toFixed(digits)} ${prices.currency}`;
}

/** "12.3 of 300 seconds (4%)": where a quota stands. */
export function describeQuota(state: QuotaState, unit: string): string {
	const share = state.limit > 0 ? Math.min(100, (state.used / state.limit) * 100) : 100;
	const used = Number.isInteger(state.used) ? state.used : state.used.toFixed(1);
	return `${used} of ${state.limit} ${unit} (${share.toFixed(0)}%)`;
}

export function describeCosts(days: readonly CostDay[], prices: PriceTable): string {
	const sum = (pick: (day: CostDay) => number) => days.reduce((total, day) => total + pick(day), 0);
	return (
		`Cost per day over the last ${days.length} days: the server's runs came to ` +
		`${formatCost(
			sum((d) => d.serverCost),
			prices
		)}; the work this device did itself would ` +
		`have cost ${formatCost(
			sum((d) => d.deviceCost),
			prices
		)} on the server.`
	);
}
