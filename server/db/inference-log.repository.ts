import { and, count, eq, gte, sql, sum } from 'drizzle-orm';
import type { Db } from './open';
import { param } from './param.sql';
import { inferenceLog } from './schema';

export type InferenceLogRow = typeof inferenceLog.$inferInsert;
export type RunOutcomeName = NonNullable<InferenceLogRow['outcome']>;

export interface UsageTotals {
	runs: number;
	failed: number;
	runMs: number;
	tokens: number;
	cost: number;
}

const user = param('user');
const from = param('from');

const totals = {
	runs: count(),
	failed: sql<number>`coalesce(sum(${inferenceLog.outcome} != 'ok'), 0)`,
	runMs: sum(inferenceLog.runMs).mapWith(Number),
	tokens: sum(inferenceLog.tokens).mapWith(Number),
	cost: sum(inferenceLog.cost).mapWith(Number)
};

const byUserSince = and(eq(inferenceLog.userId, user), gte(inferenceLog.createdAt, from));

/**
 * The server's record of model runs: who ran which model version, how big, how long, at what
 * cost, and how it ended. Every read goes through the (user, created_at) index, so it costs the
 * user's own rows in the window, never the table's.
 */
export class InferenceLogRepository {
	readonly #statements;

	constructor(private readonly db: Db) {
		const day = sql<string>`strftime('%Y-%m-%d', ${inferenceLog.createdAt} / 1000, 'unixepoch')`;
		this.#statements = {
			spent: db
				.select({ runMs: totals.runMs, tokens: totals.tokens })
				.from(inferenceLog)
				.where(byUserSince)
				.prepare(),
			daily: db
				.select({ day, ...totals })
				.from(inferenceLog)
				.where(byUserSince)
				.groupBy(day)
				.prepare(),
			byModel: db
				.select({
					model: inferenceLog.model,
					version: inferenceLog.version,
					task: inferenceLog.task,
					...totals
				})
				.from(inferenceLog)
				.where(byUserSince)
				.groupBy(inferenceLog.model, inferenceLog.version, inferenceLog.task)
				.prepare()
		};
	}

	insert(row: InferenceLogRow): void {
		this.db.insert(inferenceLog).values(row).run();
	}

	/** Compute and tokens the user's runs took since `since` (epoch ms): what quotas count. */
	spentSince(userId: string, since: number): { runMs: number; tokens: number } {
		const row = this.#statements.spent.get({ user: userId, from: since });
		return { runMs: row?.runMs ?? 0, tokens: row?.tokens ?? 0 };
	}

	/** Totals per UTC day (`YYYY-MM-DD`) since `since`; days without runs are left out. */
	daily(userId: string, since: number): ({ day: string } & UsageTotals)[] {
		return this.#statements.daily.all({ user: userId, from: since }).map(withZeros);
	}

	/** Totals per model version since `since`. */
	byModel(
		userId: string,
		since: number
	): ({ model: string; version: string; task: 'embed' | 'tag' } & UsageTotals)[] {
		return this.#statements.byModel.all({ user: userId, from: since }).map(withZeros);
	}
}

type Nullable<T> = { [K in keyof T]: T[K] | null };

/** SUM over no rows is NULL. */
function withZeros<T extends Nullable<UsageTotals>>(
	row: T
): Omit<T, keyof UsageTotals> & UsageTotals {
	return {
		...row,
		runs: row.runs ?? 0,
		failed: Number(row.failed ?? 0),
		runMs: row.runMs ?? 0,
		tokens: row.tokens ?? 0,
		cost: row.cost ?? 0
	};
}
