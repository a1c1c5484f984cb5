import type { QuotaName, QuotaRefusal, QuotaState } from '../../sync/protocol/ai-run';
import type { Plan } from '../ai-config';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How soon a plan change (npm run plan) applies to a running server. */
export const PLAN_TTL_MS = 5_000;
const PLANS_KEPT = 10_000;

/** A request the user's plan does not cover now; the route answers 429 with these details. */
export class QuotaExceededError extends Error {
	constructor(readonly refusal: QuotaRefusal) {
		const resets =
			refusal.resetsAt === null ? '' : ` It resets at ${new Date(refusal.resetsAt).toISOString()}.`;
		super(`Your ${refusal.plan} plan's ${QUOTA_WORDS[refusal.quota]} is used up.${resets}`);
	}
}

const QUOTA_WORDS: Record<QuotaName, string> = {
	compute: 'server compute time for today',
	tokens: 'tokens for today',
	storage: 'storage'
};

export interface QuotaSources {
	/** The plan name on the user's row. */
	planOf(userId: string): string | undefined;
	/** Compute (ms) and tokens the user's server runs took since `since`. */
	spentSince(userId: string, since: number): { runMs: number; tokens: number };
	/** Bytes the user holds, documents and blobs. */
	storageUsed(userId: string): number;
}

/** The start of the UTC day `now` falls in, and of the next. */
export function utcDay(now: number): { start: number; end: number } {
	const start = Math.floor(now / DAY_MS) * DAY_MS;
	return { start, end: start + DAY_MS };
}

/**
 * Each user's plan and what is left of it today. Tokens are known before a run (the server
 * tokenises first), so a request is admitted only if its tokens fit what is left: the quota is
 * reached exactly. A run's compute is known only after it, so compute is admitted while any is
 * left and the last run may go past it by its own length. Tokens of runs still in flight are
 * held, so concurrent requests cannot spend the same tokens twice.
 */
export class AiQuotas {
	readonly #heldTokens = new Map<string, number>();
	/** Plan names by user, read at most every PLAN_TTL_MS: the relay asks on every update. */
	readonly #plans = new Map<string, { name: string | undefined; readAt: number }>();

	constructor(
		private readonly plans: Readonly<Record<string, Plan>>,
		private readonly sources: QuotaSources,
		/** A plan without a storage figure of its own gives the server's (STORAGE_QUOTA_MB). */
		private readonly defaultStorageBytes: number,
		private readonly now: () => number = Date.now
	) {}

	planOf(userId: string): { name: string; plan: Plan } {
		const now = this.now();
		let known = this.#plans.get(userId);
		if (!known || now - known.readAt >= PLAN_TTL_MS) {
			if (this.#plans.size >= PLANS_KEPT) this.#plans.clear();
			known = { name: this.sources.planOf(userId), readAt: now };
			this.#plans.set(userId, known);
		}
		const name = known.name ?? 'free';
		const plan = this.plans[name];
		// A row naming a plan the config no longer has falls back to the free plan.
		return plan ? { name, plan } : { name: 'free', plan: this.plans.free };
	}

	storageQuota(userId: string): number {
		return this.planOf(userId).plan.storageBytes ?? this.defaultStorageBytes;
	}

	/** Where the user stands on each quota now. */
	states(userId: string): Record<QuotaName, QuotaState> {
		const { plan } = this.planOf(userId);
		const { start, end } = utcDay(this.now());
		const spent = this.sources.spentSince(userId, start);
		return {
			compute: { limit: plan.computeSecondsPerDay, used: spent.runMs / 1000, resetsAt: end },
			tokens: {
				limit: plan.tokensPerDay,
				used: spent.tokens + (this.#heldTokens.get(userId) ?? 0),
				resetsAt: end
			},
			storage: {
				limit: plan.storageBytes ?? this.defaultStorageBytes,
				used: this.sources.storageUsed(userId),
				resetsAt: null
			}
		};
	}

	/**
	 * Admits a run of `tokens` or throws QuotaExceededError naming the first quota it does not
	 * fit. The returned release lets go of the held tokens once the run is logged (or failed).
	 */
	admit(userId: string, tokens: number): () => void {
		const { name } = this.planOf(userId);
		const states = this.states(userId);
		const refuse = (quota: QuotaName) => {
			const { limit, used, resetsAt } = states[quota];
			throw new QuotaExceededError({ quota, plan: name, limit, used, resetsAt });
		};
		if (states.compute.used >= states.compute.limit) refuse('compute');
		if (states.tokens.used + tokens > states.tokens.limit) refuse('tokens');
		this.#heldTokens.set(userId, (this.#heldTokens.get(userId) ?? 0) + tokens);
		let isReleased = false;
		return () => {
			if (isReleased) return;
			isReleased = true;
			const left = (this.#heldTokens.get(userId) ?? 0) - tokens;
			if (left > 0) this.#heldTokens.set(userId, left);
			else this.#heldTokens.delete(userId);
		};
	}
}
