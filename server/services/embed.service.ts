import type { EmbedRequest, EmbedResponse } from '../../sync/protocol/ai';
import { PoolUnavailableError, type InferencePool } from '../ai/inference-pool';
import type { StaticModel } from '../ai/static-models';
import type { InferenceLogRepository } from '../db/inference-log.repository';
import type { Metrics } from '../metrics';
import type { RateLimiter } from './rate-limiter';

/**
 * The server fallback for on-device embeddings: per-user limits, the inference pool, the log.
 * No HTTP here: the route turns the string outcomes and PoolUnavailableError into statuses.
 */
export class EmbedService {
	/** Users with a job in flight: one at a time each, so nobody can fill the queue alone. */
	#inFlight = new Set<string>();

	constructor(
		private readonly models: ReadonlyMap<string, StaticModel>,
		private readonly pool: InferencePool,
		private readonly log: InferenceLogRepository,
		private readonly perMinute: RateLimiter,
		private readonly metrics: Metrics
	) {}

	/** Counts a request against the user's allowance; false once the minute's is spent. */
	allow(userId: string): boolean {
		const allowed = this.perMinute.take(userId);
		if (!allowed) this.metrics.aiEmbedRequests.inc({ outcome: 'rate_limited' });
		return allowed;
	}

	async embed(
		userId: string,
		request: EmbedRequest
	): Promise<EmbedResponse | 'unknown_model' | 'in_flight'> {
		const model = this.models.get(request.model);
		if (!model) return 'unknown_model';
		if (this.#inFlight.has(userId)) {
			this.metrics.aiEmbedRequests.inc({ outcome: 'in_flight' });
			return 'in_flight';
		}
		this.#inFlight.add(userId);
		try {
			// One text is a search query someone waits on; a batch is indexing.
			const priority = request.texts.length === 1 ? 'interactive' : 'bulk';
			const outcome = await this.pool.run(model.id, request.texts, { tenant: userId, priority });
			const inputChars = request.texts.reduce((sum, text) => sum + text.length, 0);
			this.log.insert({
				userId,
				model: model.id,
				version: model.version,
				batch: request.texts.length,
				inputChars,
				runMs: outcome.runMs,
				queueMs: outcome.queueMs,
				createdAt: Date.now()
			});
			this.metrics.aiEmbedSeconds.observe({ stage: 'queue' }, outcome.queueMs / 1000);
			this.metrics.aiEmbedSeconds.observe({ stage: 'run' }, outcome.runMs / 1000);
			this.metrics.aiEmbedRequests.inc({ outcome: 'ok' });
			return {
				model: model.id,
				version: model.version,
				dims: outcome.dims,
				vectors: rows(outcome.vectors, outcome.dims),
				stats: {
					backend: 'server',
					batch: request.texts.length,
					inputChars,
					inputTokens: outcome.tokens,
					queueMs: outcome.queueMs,
					runMs: outcome.runMs
				}
			};
		} catch (error) {
			const outcome = error instanceof PoolUnavailableError ? error.reason : 'failed';
			this.metrics.aiEmbedRequests.inc({ outcome });
			throw error;
		} finally {
			this.#inFlight.delete(userId);
		}
	}
}

/**
 * Splits the matrix into one array per text. Nine significant digits give back exactly the same
 * float32 when parsed, at about half the JSON of a float64's seventeen.
 */
function rows(vectors: Float32Array, dims: number): number[][] {
	const out: number[][] = [];
	for (let start = 0; start < vectors.length; start += dims) {
		out.push(Array.from(vectors.subarray(start, start + dims), (x) => Number(x.toPrecision(9))));
	}
	return out;
}
