import type { PriceTable, RunRequest, RunResponse } from '../../sync/protocol/ai-run';
import type { AiMetrics } from '../ai/ai-metrics';
import type { InferencePool } from '../ai/inference-pool';
import { ModelRunError, PoolUnavailableError, type RunOutcome } from '../ai/run-outcome';
import type { InferenceLogRepository, RunOutcomeName } from '../db/inference-log.repository';
import { QuotaExceededError, type AiQuotas } from './ai-quotas';
import type { RateLimiter } from './rate-limiter';
import { RunRefusedError } from './run-refusal';
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
		const { target, tokens, release } = await this.#admit(userId, request, plan);
		const run: Run = { userId, plan, request, target, tokens };
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
			const cost = this.#record(
				run,
				'ok',
				outcome.runMs,
				outcome.queueMs,
				outcome.values.byteLength
			);
			return respond(target, request, outcome, tokens, cost);
		} catch (error) {
			if (error instanceof ModelRunError) {
				this.metrics.countCache(error.cache);
				this.#record(run, 'failed', error.runMs, 0, 0);
			} else if (error instanceof PoolUnavailableError) {
				// A run that overran or lost its runner used compute: it is charged and logged.
				if (error.reason === 'timeout' || error.reason === 'worker_lost') {
					this.#record(run, error.reason, error.runMs, 0, 0);
				} else this.metrics.rejections.inc({ reason: error.reason, plan });
			}
			throw error;
		} finally {
			release();
		}
	}

	/** The rate limit, the model, then the quotas: each refusal is counted by its reason. */
	async #admit(userId: string, request: RunRequest, plan: string) {
		const refuse = (reason: string, error: Error) => {
			this.metrics.rejections.inc({ reason, plan });
			return error;
		};
		if (!this.perMinute.take(userId)) {
			throw refuse('rate_limited', new RateLimitedError('Too many AI requests. Wait a minute.'));
		}
		const target = await this.models
			.resolve(userId, request.version, request.task)
			.catch((error: unknown) => {
				throw error instanceof RunRefusedError ? refuse(error.code, error) : error;
			});
		const tokens = target.countTokens(request.texts);
		try {
			return { target, tokens, release: this.quotas.admit(userId, tokens) };
		} catch (error) {
			if (error instanceof QuotaExceededError) throw refuse(`quota_${error.refusal.quota}`, error);
			throw error;
		}
	}

	/** One log row and its metrics, however the run ended; returns what it cost. */
	#record(run: Run, outcome: RunOutcomeName, runMs: number, queueMs: number, bytesOut: number) {
		const { userId, plan, request, target, tokens } = run;
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
		const labels = { model: metricModel(target), plan };
		this.metrics.requests.inc({ ...labels, outcome });
		this.metrics.seconds.observe({ ...labels, stage: 'run' }, runMs / 1000);
		this.metrics.seconds.observe({ ...labels, stage: 'queue' }, queueMs / 1000);
		if (outcome === 'ok') this.metrics.tokens.inc(labels, tokens);
		this.metrics.cost.inc({ plan, currency: this.prices.currency }, cost);
		return cost;
	}
}

interface Run {
	userId: string;
	plan: string;
	request: RunRequest;
	target: RunTarget;
	tokens: number;
}

/** A built-in's id; users' own models as one series each kind (see AiMetrics). */
function metricModel(target: RunTarget): string {
	if (target.isBuiltin) return target.model;
	return target.task === 'tag' ? 'user-head' : 'user-embedder';
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
