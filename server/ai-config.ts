import * as v from 'valibot';
import type { PriceTable } from '../sync/protocol/ai-run';
import { ConfigError, decimal, integer, MB } from './env-values';

/** What one plan gives each of its users per UTC day, and their share of the pool. */
export interface Plan {
	computeSecondsPerDay: number;
	tokensPerDay: number;
	/** Documents and blobs together (the relay's and the blob store's quota); null: STORAGE_QUOTA_MB. */
	storageBytes: number | null;
	/** The user's share of the inference pool against other users' (the fair queue's weight). */
	weight: number;
}

/** Server inference: the runner pool, its limits, the plans and the price table. */
export interface AiConfig {
	/** Runner processes; each holds its own ORT sessions and models (about 94 MB resident). */
	workers: number;
	/** Jobs that may wait for a free runner before requests are answered 503. */
	queueLength: number;
	/** Of those, how many one user may have waiting, so one flood cannot fill the queue. */
	tenantQueueLength: number;
	/** A job running longer than this loses its runner (ORT cannot cancel a run). */
	jobTimeoutMs: number;
	/** AI requests (embed and run) per user per minute. */
	requestsPerMinute: number;
	/** Bytes of user models each runner keeps loaded, least recently used out first. */
	modelCacheBytes: number;
	/** The largest model file the server runs. */
	maxModelBytes: number;
	runnerHeapMb: number;
	runnerMemoryMb: number;
	/** Every user is on `free` unless an operator sets another plan on their row. */
	plans: Record<string, Plan>;
	prices: PriceTable;
}

const PlanSchema = v.strictObject({
	computeSecondsPerDay: v.pipe(v.number(), v.minValue(0)),
	tokensPerDay: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
	storageMb: v.optional(v.pipe(v.number(), v.minValue(0))),
	weight: v.optional(v.pipe(v.number(), v.minValue(0.01), v.maxValue(100)), 1)
});
const PlansSchema = v.record(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,31}$/)), PlanSchema);

/** AI_PLANS: JSON of plans by name, over the free plan below (which it may also redefine). */
function parsePlans(raw: string | undefined, free: Plan): Record<string, Plan> {
	if (!raw?.trim()) return { free };
	let json: unknown;
	try {
		json = JSON.parse(raw);
	} catch {
		throw new ConfigError('AI_PLANS must be JSON, e.g. {"pro": {"computeSecondsPerDay": 3600, …}}');
	}
	const parsed = v.safeParse(PlansSchema, json);
	if (!parsed.success) {
		const issue = parsed.issues[0];
		throw new ConfigError(`AI_PLANS: ${v.getDotPath(issue) ?? 'plans'}: ${issue.message}`);
	}
	const plans: Record<string, Plan> = { free };
	for (const [name, { storageMb, ...plan }] of Object.entries(parsed.output)) {
		plans[name] = {
			...plan,
			storageBytes: storageMb === undefined ? null : Math.round(storageMb * MB)
		};
	}
	return plans;
}

export function loadAiConfig(env: NodeJS.ProcessEnv): AiConfig {
	const free: Plan = {
		computeSecondsPerDay: 300,
		tokensPerDay: 2_000_000,
		storageBytes: null,
		weight: 1
	};
	return {
		workers: integer(env.AI_WORKERS, 1, 1, 64, 'AI_WORKERS'),
		queueLength: integer(env.AI_QUEUE_LENGTH, 16, 0, 10_000, 'AI_QUEUE_LENGTH'),
		tenantQueueLength: integer(env.AI_TENANT_QUEUE_LENGTH, 4, 1, 10_000, 'AI_TENANT_QUEUE_LENGTH'),
		jobTimeoutMs: integer(env.AI_RUN_TIMEOUT_MS, 10_000, 100, 600_000, 'AI_RUN_TIMEOUT_MS'),
		requestsPerMinute: integer(
			env.AI_REQUESTS_PER_MINUTE,
			60,
			1,
			1_000_000,
			'AI_REQUESTS_PER_MINUTE'
		),
		modelCacheBytes: integer(env.AI_MODEL_CACHE_MB, 64, 1, 65_536, 'AI_MODEL_CACHE_MB') * MB,
		maxModelBytes: integer(env.AI_MAX_MODEL_MB, 64, 1, 4096, 'AI_MAX_MODEL_MB') * MB,
		runnerHeapMb: integer(env.AI_RUNNER_HEAP_MB, 256, 64, 65_536, 'AI_RUNNER_HEAP_MB'),
		runnerMemoryMb: integer(env.AI_RUNNER_MEMORY_MB, 3072, 2048, 1_048_576, 'AI_RUNNER_MEMORY_MB'),
		plans: parsePlans(env.AI_PLANS, free),
		prices: {
			currency: env.AI_PRICE_CURRENCY?.trim() || 'USD',
			perComputeSecond: decimal(
				env.AI_PRICE_PER_COMPUTE_SECOND,
				0.00005,
				'AI_PRICE_PER_COMPUTE_SECOND'
			),
			perGbMonth: decimal(env.AI_PRICE_PER_GB_MONTH, 0.02, 'AI_PRICE_PER_GB_MONTH')
		}
	};
}
