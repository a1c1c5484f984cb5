import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CacheCounts } from './runner-messages';

const SECONDS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];

/**
 * Server inference on /metrics, by model and plan. `model` is a built-in's id, or `user-head`
 * and `user-embedder` for any user's own: users name their models, and one series per user
 * model would grow without bound.
 */
export class AiMetrics {
	readonly seconds: Histogram<'stage' | 'model' | 'plan'>;
	readonly requests: Counter<'outcome' | 'model' | 'plan'>;
	readonly rejections: Counter<'reason' | 'plan'>;
	readonly cacheEvents: Counter<'event'>;
	readonly tokens: Counter<'model' | 'plan'>;
	readonly cost: Counter<'plan' | 'currency'>;

	constructor(registry: Registry, queue: () => { queued: number; running: number }) {
		const registers = [registry];
		this.seconds = new Histogram({
			name: 't10x_ai_seconds',
			help: 'Server model runs: time waiting for a runner (stage=queue) and running (stage=run)',
			labelNames: ['stage', 'model', 'plan'],
			buckets: SECONDS,
			registers
		});
		this.requests = new Counter({
			name: 't10x_ai_requests_total',
			help: 'Server model runs by outcome (ok, failed, timeout, worker_lost)',
			labelNames: ['outcome', 'model', 'plan'],
			registers
		});
		this.rejections = new Counter({
			name: 't10x_ai_rejections_total',
			help: 'AI requests refused before running, by reason (quota_compute, quota_tokens, queue_full, rate_limited, invalid_model, ...)',
			labelNames: ['reason', 'plan'],
			registers
		});
		this.cacheEvents = new Counter({
			name: 't10x_ai_model_cache_events_total',
			help: "The runners' user-model cache: hit, miss, load and eviction",
			labelNames: ['event'],
			registers
		});
		this.tokens = new Counter({
			name: 't10x_ai_tokens_total',
			help: 'Tokens the server ran models over',
			labelNames: ['model', 'plan'],
			registers
		});
		this.cost = new Counter({
			name: 't10x_ai_cost_total',
			help: 'What server runs cost at the price table, in its currency',
			labelNames: ['plan', 'currency'],
			registers
		});
		new Gauge({
			name: 't10x_ai_queue_depth',
			help: 'Server model runs waiting for a runner (state=queued) and running (state=running)',
			labelNames: ['state'],
			registers,
			collect() {
				const { queued, running } = queue();
				this.set({ state: 'queued' }, queued);
				this.set({ state: 'running' }, running);
			}
		});
	}

	countCache(cache: CacheCounts): void {
		for (const [event, n] of Object.entries(cache)) if (n) this.cacheEvents.inc({ event }, n);
	}
}
