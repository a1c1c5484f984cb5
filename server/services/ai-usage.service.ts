import type { PriceTable, UsageDay, UsageReport } from '../../sync/protocol/ai-run';
import type { InferenceLogRepository } from '../db/inference-log.repository';
import { utcDay, type AiQuotas } from './ai-quotas';

const DAY_MS = 24 * 60 * 60 * 1000;
const GB = 1e9;
const DAYS_PER_MONTH = 30;

/** A user's own server AI usage: per day and per model from the log, quotas, storage cost. */
export class AiUsageService {
	constructor(
		private readonly log: InferenceLogRepository,
		private readonly quotas: AiQuotas,
		private readonly prices: PriceTable,
		private readonly now: () => number = Date.now
	) {}

	/** The last `days` UTC days, today included. */
	report(userId: string, days: number): UsageReport {
		const since = utcDay(this.now()).start - (days - 1) * DAY_MS;
		const logged = new Map(this.log.daily(userId, since).map((row) => [row.day, row]));
		const series: UsageDay[] = [];
		for (let i = 0; i < days; i++) {
			const day = new Date(since + i * DAY_MS).toISOString().slice(0, 10);
			const row = logged.get(day);
			series.push({
				day,
				runs: row?.runs ?? 0,
				failed: row?.failed ?? 0,
				computeSeconds: (row?.runMs ?? 0) / 1000,
				tokens: row?.tokens ?? 0,
				cost: row?.cost ?? 0
			});
		}
		const quotas = this.quotas.states(userId);
		const bytes = quotas.storage.used;
		return {
			plan: this.quotas.planOf(userId).name,
			prices: this.prices,
			quotas,
			days: series,
			models: this.log
				.byModel(userId, since)
				.map(({ model, version, task, runs, runMs, tokens, cost }) => ({
					model,
					version,
					task,
					runs,
					computeSeconds: runMs / 1000,
					tokens,
					cost
				}))
				.sort((a, b) => b.cost - a.cost || b.runs - a.runs),
			storage: { bytes, costPerDay: ((bytes / GB) * this.prices.perGbMonth) / DAYS_PER_MONTH }
		};
	}
}
