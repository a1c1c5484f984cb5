import type { CacheCounts } from './runner-messages';

/** How a job on the inference pool ends: its outcome, or why the pool or the model failed it. */

export type UnavailableReason = 'queue_full' | 'timeout' | 'worker_lost' | 'closed';

/** The pool cannot take or finish this job now; the same job may well work a moment later. */
export class PoolUnavailableError extends Error {
	constructor(
		readonly reason: UnavailableReason,
		message: string,
		/** How long the job held a runner before it was given up on (0 if it never ran). */
		readonly runMs = 0
	) {
		super(message);
	}
}

/** The pool ran the job, but the model failed on it: the job's own fault, not the pool's. */
export class ModelRunError extends Error {
	constructor(
		message: string,
		readonly cache: CacheCounts,
		readonly runMs = 0
	) {
		super(message);
	}
}

export interface RunOutcome {
	/** `[texts, width]`. */
	dims: [number, number];
	/** Row-major values. */
	values: Float32Array;
	tokens: number;
	/** From run() until a runner began the job (a cold runner's start-up included). */
	queueMs: number;
	runMs: number;
	cache: CacheCounts;
}
