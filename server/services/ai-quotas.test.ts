import { describe, expect, it } from 'vitest';
import type { Plan } from '../ai-config';
import { AiQuotas, PLAN_TTL_MS, QuotaExceededError, utcDay } from './ai-quotas';

const FREE: Plan = { computeSecondsPerDay: 2, tokensPerDay: 100, storageBytes: null, weight: 1 };
const PRO: Plan = {
	computeSecondsPerDay: 60,
	tokensPerDay: 10_000,
	storageBytes: 50_000,
	weight: 3
};
const DAY = 24 * 60 * 60 * 1000;
const MIDNIGHT = Date.UTC(2026, 11, 3);

/** A log of runs (time, compute, tokens) the quotas read, as the inference log would answer. */
function world(initialPlan = 'free') {
	let plan = initialPlan;
	const runs: { at: number; runMs: number; tokens: number }[] = [];
	let now = MIDNIGHT + 10 * 60 * 60 * 1000;
	const quotas = new AiQuotas(
		{ free: FREE, pro: PRO },
		{
			planOf: () => plan,
			spentSince: (_, since) => {
				const spent = runs.filter((run) => run.at >= since && run.at <= now);
				return {
					runMs: spent.reduce((sum, run) => sum + run.runMs, 0),
					tokens: spent.reduce((sum, run) => sum + run.tokens, 0)
				};
			},
			storageUsed: () => 400
		},
		5_000,
		() => now
	);
	/** Admits, "runs" and logs, as the run service does. */
	const run = (tokens: number, runMs = 1) => {
		const release = quotas.admit('u', tokens);
		runs.push({ at: now, runMs, tokens });
		release();
	};
	return {
		quotas,
		run,
		setNow: (at: number) => (now = at),
		setPlan: (name: string) => (plan = name),
		now: () => now
	};
}

function refusal(action: () => unknown) {
	try {
		action();
	} catch (error) {
		if (error instanceof QuotaExceededError) return error.refusal;
		throw error;
	}
	throw new Error('was admitted');
}

describe('AiQuotas', () => {
	it('admits tokens up to exactly the limit, then names the quota and its reset', () => {
		const { quotas, run } = world();
		run(60);
		run(40); // exactly at the limit: admitted
		expect(quotas.states('u').tokens).toEqual({ limit: 100, used: 100, resetsAt: MIDNIGHT + DAY });
		expect(refusal(() => run(1))).toEqual({
			quota: 'tokens',
			plan: 'free',
			limit: 100,
			used: 100,
			resetsAt: MIDNIGHT + DAY
		});
	});

	it('refuses a request whose tokens would go past what is left, not only once it is gone', () => {
		const { run } = world();
		run(90);
		expect(refusal(() => run(11)).quota).toBe('tokens');
		run(10);
	});

	it('admits compute while any is left; the run that crosses the limit is the last', () => {
		const { quotas, run } = world();
		run(1, 1_999);
		run(1, 500); // 1.999 s used of 2: admitted, and goes past
		expect(quotas.states('u').compute.used).toBeCloseTo(2.499, 9);
		expect(refusal(() => run(1))).toMatchObject({ quota: 'compute', limit: 2, used: 2.499 });
	});

	it('resets at the UTC day boundary, not a millisecond before', () => {
		const { run, setNow } = world();
		run(100);
		setNow(MIDNIGHT + DAY - 1);
		expect(refusal(() => run(1)).resetsAt).toBe(MIDNIGHT + DAY);
		setNow(MIDNIGHT + DAY);
		run(100);
		expect(refusal(() => run(1)).resetsAt).toBe(MIDNIGHT + 2 * DAY);
	});

	it('holds the tokens of runs in flight, so two at once cannot spend the same tokens', () => {
		const { quotas } = world();
		const first = quotas.admit('u', 70);
		expect(refusal(() => quotas.admit('u', 31)).used).toBe(70);
		first(); // failed without logging tokens: they are free again
		first(); // releasing twice frees them once
		const second = quotas.admit('u', 100);
		second();
	});

	it('reads the plan on the user row, and falls back to free for a plan the config lacks', () => {
		expect(world('pro').quotas.planOf('u')).toEqual({ name: 'pro', plan: PRO });
		expect(world('gone').quotas.planOf('u')).toEqual({ name: 'free', plan: FREE });
		expect(world().quotas.storageQuota('u')).toBe(5_000);
		expect(world('pro').quotas.states('u').storage).toEqual({
			limit: 50_000,
			used: 400,
			resetsAt: null
		});
	});

	it('reads a changed plan within the TTL, not on every request', () => {
		const { quotas, setNow, setPlan, now } = world();
		expect(quotas.planOf('u').name).toBe('free');
		setPlan('pro');
		expect(quotas.planOf('u').name).toBe('free');
		setNow(now() + PLAN_TTL_MS);
		expect(quotas.planOf('u').name).toBe('pro');
	});

	it('knows the UTC day of a moment', () => {
		expect(utcDay(MIDNIGHT)).toEqual({ start: MIDNIGHT, end: MIDNIGHT + DAY });
		expect(utcDay(MIDNIGHT - 1)).toEqual({ start: MIDNIGHT - DAY, end: MIDNIGHT });
	});
});
