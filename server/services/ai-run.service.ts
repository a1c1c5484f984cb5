import type { PriceTable, RunRequest, RunResponse } from '../../sync/protocol/ai-run';
import type { AiMetrics } from '../ai/ai-metrics';
import type { InferencePool } from '../ai/inference-pool';
import { ModelRunError, PoolUnavailableError, type RunOutcome } from '../ai/run-outcome';
import type { InferenceLogRepository, RunOutcomeName } from '../db/inference-log.repository';
import type { AiQuotas } from './ai-quotas';
import type { RateLimiter } from './rate-limiter';
import type { RunTarget, UserModels } from './user-models';

/** A request refused before it ran, for a reason the caller can act on (the route's 429). */
export class RateLimitedError extends Error {}

const encoder = new TextEncoder();

/**
 * Server inference for a user: their model version resolved and validated (UserModels), their
 * plan's quotas, the fair pool, and one log row per run with its cost, however it ended. No
 * HTTP here: the route maps RunRefusedError, QuotaExceededError, RateLimitedError and
 * PoolUnavailableError to statuses; a ModelRunError is the model's own failure.
 */
export class AiRunService {
	constructor(
		private readonly models: UserModels,
		private readonly pool: InferencePool,
		private readonly quotas: AiQuotas,
		private readonly log: InferenceLogRepository,
		private readonly perMinute: RateLimiter,
		private readonly prices: PriceTable,
		private readonly metrics: AiMetrics
	) {}

	async run(userId: string, request: RunRequest): Promise<RunResponse> {
		const { name: plan, plan: limits } = this.quotas.planOf(userId);
		const refused = (reason: string) => this.metrics.rejections.inc({ reason, plan });
		if (!this.perMinute.take(userId)) {
			refused('rate_limited');
			throw new RateLimitedError('Too many AI requests. Wait a minute.');
		}
		let target: RunTarget;
		try {
			target = await this.models.resolve(userId, request.version, request.task);
		} catch (error) {
			refused((error as { code?: string }).code ?? 'failed');
			throw error;
		}
		const tokens = target.countTokens(request.texts);
		let release: () => void;
		try {
			release = this.quotas.admit(userId, tokens);
		} catch (error) {
			refused(`quota_${(error as { refusal?: { quota: string } }).refusal?.quota ?? 'unknown'}`);
			throw error;
		}
		const metricModel = target.isBuiltin
			? target.model
			: target.task === 'tag'
				? 'user-head'
				: 'user-embedder';
		const record = (outcome: RunOutcomeName, runMs: number, queueMs: number, bytesOut: number) => {
			const cost = (runMs / 1000) * this.prices.perComputeSecond;
			this.log.insert({
				userId,
				model: target.model,
				version: target.version,
				task: target.task,
				batch: request.texts.length,
				inputChars: request.texts.reduce((sum, text) => sum + text.length, 0),
				tokens: outcome === 'ok' ? tokens : 0,
				bytesIn: request.texts.reduce((sum, text) => sum + encoder.encode(text).length, 0),
				bytesOut,
				runMs,
				queueMs,
				cost,
				outcome,
				createdAt: Date.now()
			});
			const labels = { model: metricModel, plan };
			this.metrics.requests.inc({ ...labels, outcome });
			this.metrics.seconds.observe({ ...labels, stage: 'run' }, runMs / 1000);
			this.metrics.seconds.observe({ ...labels, stage: 'queue' }, queueMs / 1000);
			if (outcome === 'ok') this.metrics.tokens.inc(labels, tokens);
			this.metrics.cost.inc({ plan, currency: this.prices.currency }, cost);
			return cost;
		};
		try {
			const outcome = await this.pool.run(
				target.task === 'embed'
					? { task: 'embed', embedder: target.embedder, texts: request.texts }
					: { task: 'tag', embedder: target.embedder, head: target.head, texts: request.texts },
				{
					tenant: userId,
					// One text is a query someone waits on; a batch is indexing.
					priority: request.texts.length === 1 ? 'interactive' : 'bulk',
					weight: limits.weight
				}
			);
			this.metrics.countCache(outcome.cache);
			const cost = record('ok', outcome.runMs, outcome.queueMs, outcome.values.byteLength);
			return respond(target, request, outcome, tokens, cost);
		} catch (error) {
			if (error instanceof ModelRunError) {
				this.metrics.countCache(error.cache);
				record('failed', error.runMs, 0, 0);
			} else if (error instanceof PoolUnavailableError) {
				if (error.reason === 'timeout' || error.reason === 'worker_lost') {
					record(error.reason, error.runMs, 0, 0);
				} else refused(error.reason);
			}
			throw error;
		} finally {
			release();
		}
	}
}

function respond(
	target: RunTarget,
	request: RunRequest,
	outcome: RunOutcome,
	tokens: number,
	cost: number
): RunResponse {
	const base = {
		model: target.model,
		version: target.version,
		stats: {
			backend: 'server' as const,
			batch: request.texts.length,
			inputChars: request.texts.reduce((sum, text) => sum + text.length, 0),
			inputTokens: tokens,
			queueMs: outcome.queueMs,
			runMs: outcome.runMs,
			cost
		}
	};
	const matrix = rows(outcome.values, outcome.dims[1]);
	return target.task === 'embed'
		? { ...base, task: 'embed', dims: outcome.dims[1], vectors: matrix }
		: { ...base, task: 'tag', labels: target.labels, scores: matrix };
}

/**
 * Splits the matrix into one array per text. Nine significant digits give back exactly the same
 * float32 when parsed, at about half the JSON of a float64's seventeen.
 */
function rows(values: Float32Array, width: number): number[][] {
	const out: number[][] = [];
	for (let start = 0; start < values.length; start += width) {
		out.push(Array.from(values.subarray(start, start + width), (x) => Number(x.toPrecision(9))));
	}
	return out;
}
