import type { Worker } from 'node:worker_threads';
import { FairQueue, type JobQueue, type Priority } from './fair-queue';
import { preciseNow, type EmbedJob, type EmbedJobResult } from './worker-messages';

export interface PoolOptions {
	/** Worker threads, each with its own copy of the models. */
	workers: number;
	/** Jobs that may wait for a free worker, all tenants together; one more is refused at once. */
	queueLength: number;
	/** Of those, how many one tenant may have; queueLength when left out. */
	tenantQueueLength?: number;
	/** A job still running after this long has its worker terminated and replaced. */
	jobTimeoutMs: number;
}

export type UnavailableReason = 'queue_full' | 'timeout' | 'worker_lost' | 'closed';

/** The pool cannot take or finish this job now; the same job may well work a moment later. */
export class PoolUnavailableError extends Error {
	constructor(
		readonly reason: UnavailableReason,
		message: string
	) {
		super(message);
	}
}

export interface EmbedOutcome {
	dims: number;
	/** `texts.length × dims` values, row-major. */
	vectors: Float32Array;
	tokens: number;
	/** From run() until a worker began the job (a cold worker's start-up included). */
	queueMs: number;
	runMs: number;
}

/** Whose job it is and how urgent: the queue shares the workers fairly between tenants. */
export interface Schedule {
	tenant: string;
	priority: Priority;
	/** The tenant's share relative to others; 1 when left out. */
	weight?: number;
}

/** Cost a tenant of weight 1 may spend per turn of the fair queue: a few short texts. */
const QUANTUM_TOKENS = 256;

/** What the queue charges a job before it runs: about four characters a token, one per text. */
export function estimateTokens(texts: readonly string[]): number {
	return texts.reduce((sum, text) => sum + 1 + Math.ceil(text.length / 4), 0);
}

export interface PoolJob {
	request: EmbedJob;
	submittedAt: number;
	resolve(outcome: EmbedOutcome): void;
	reject(error: Error): void;
}

interface Slot {
	worker: Worker;
	job?: PoolJob;
	timer?: NodeJS.Timeout;
}

/**
 * A bounded pool of inference threads. Workers start when a job first needs one and stay; a
 * worker that dies or overruns a job is dropped and replaced by the next job that needs it.
 * Each worker runs one job at a time, so a job's time is its own. Waiting jobs are served by a
 * weighted fair queue over tenants (interactive before bulk), not first come first served.
 */
export class InferencePool {
	#slots: Slot[] = [];
	#queue: JobQueue<PoolJob>;
	#nextJobId = 1;
	#paused = false;
	#closed = false;

	/** `queue`: the order waiting jobs are served in; the fair queue unless a benchmark says. */
	constructor(
		private readonly options: PoolOptions,
		private readonly spawn: () => Worker,
		queue?: JobQueue<PoolJob>
	) {
		this.#queue =
			queue ??
			new FairQueue({
				capacity: options.queueLength,
				perTenant: options.tenantQueueLength,
				quantum: QUANTUM_TOKENS
			});
	}

	run(model: string, texts: string[], schedule: Schedule): Promise<EmbedOutcome> {
		return new Promise((resolve, reject) => {
			if (this.#closed) return reject(closedError());
			const request = { jobId: this.#nextJobId++, model, texts };
			const job = { request, submittedAt: preciseNow(), resolve, reject };
			// Only a job that must wait needs a place in the queue.
			if (!this.#paused && this.#queue.size === 0) {
				const slot = this.#freeSlot(job);
				if (slot) return this.#dispatch(slot, job);
				if (slot === null) return;
			}
			const ticket = { ...schedule, cost: estimateTokens(texts) };
			if (!this.#queue.push(job, ticket)) {
				return reject(
					new PoolUnavailableError('queue_full', 'The server is busy. Try again shortly.')
				);
			}
			this.#pump();
		});
	}

	stats(): { workers: number; running: number; queued: number } {
		return {
			workers: this.#slots.length,
			running: this.#slots.filter((slot) => slot.job).length,
			queued: this.#queue.size
		};
	}

	/** Test hook: holds queued jobs back until the returned function is called. */
	pause(): () => void {
		this.#paused = true;
		return () => {
			this.#paused = false;
			this.#pump();
		};
	}

	/** Ends every worker the way a crash would; jobs on them fail, later jobs get new workers. */
	async terminateWorkers(): Promise<void> {
		await Promise.all(this.#slots.map((slot) => slot.worker.terminate()));
	}

	async close(): Promise<void> {
		this.#closed = true;
		for (const job of this.#queue.drain()) job.reject(closedError());
		const slots = this.#slots.splice(0);
		for (const slot of slots) {
			clearTimeout(slot.timer);
			slot.job?.reject(closedError());
		}
		await Promise.all(slots.map((slot) => slot.worker.terminate()));
	}

	#pump(): void {
		while (!this.#paused && this.#queue.size > 0) {
			const slot = this.#freeSlot();
			if (!slot) return;
			this.#dispatch(slot, this.#queue.shift()!);
		}
	}

	/**
	 * An idle worker, a new one if the pool may grow, undefined when all are busy, or null when
	 * none can start: then every waiting job (and `pending`, not queued yet) has been failed.
	 */
	#freeSlot(pending?: PoolJob): Slot | undefined | null {
		return this.#slots.find((candidate) => !candidate.job) ?? this.#startWorker(pending);
	}

	#startWorker(pending?: PoolJob): Slot | undefined | null {
		if (this.#slots.length >= this.options.workers) return undefined;
		let worker: Worker;
		try {
			worker = this.spawn();
		} catch (error) {
			// No worker can start (e.g. its file is missing): nothing queued would ever run.
			console.error('AI worker could not start:', error);
			for (const job of [...this.#queue.drain(), ...(pending ? [pending] : [])]) {
				job.reject(asError(error));
			}
			return null;
		}
		const slot: Slot = { worker };
		slot.worker.on('message', (result: EmbedJobResult) => this.#settle(slot, result));
		slot.worker.on('error', (error) => console.error('AI worker failed:', error));
		slot.worker.on('exit', (code) => this.#lost(slot, code));
		this.#slots.push(slot);
		return slot;
	}

	#dispatch(slot: Slot, job: PoolJob): void {
		slot.job = job;
		slot.timer = setTimeout(() => this.#overran(slot), this.options.jobTimeoutMs);
		slot.worker.postMessage(job.request);
	}

	#settle(slot: Slot, result: EmbedJobResult): void {
		const job = slot.job;
		// A late answer from a worker already given up on is dropped.
		if (!job || job.request.jobId !== result.jobId) return;
		clearTimeout(slot.timer);
		slot.job = undefined;
		if (result.type === 'failed') job.reject(new Error(`AI worker: ${result.message}`));
		else {
			job.resolve({
				dims: result.dims,
				vectors: result.vectors,
				tokens: result.tokens,
				queueMs: Math.max(0, result.startedAt - job.submittedAt),
				runMs: result.runMs
			});
		}
		this.#pump();
	}

	/** ORT cannot cancel a run, so a job that overruns costs its worker. */
	#overran(slot: Slot): void {
		const job = slot.job;
		if (!job) return;
		this.#drop(slot);
		void slot.worker.terminate();
		console.error(`AI worker overran a job (${this.options.jobTimeoutMs} ms); replacing it`);
		job.reject(new PoolUnavailableError('timeout', 'The job took too long. Try again shortly.'));
		this.#pump();
	}

	#lost(slot: Slot, code: number): void {
		// Workers dropped on purpose (overrun, close) are already out of the pool.
		if (!this.#slots.includes(slot)) return;
		const job = slot.job;
		this.#drop(slot);
		console.error(`AI worker exited with code ${code}${job ? ' during a job' : ''}`);
		job?.reject(
			new PoolUnavailableError('worker_lost', 'The AI worker stopped. Try again shortly.')
		);
		this.#pump();
	}

	#drop(slot: Slot): void {
		clearTimeout(slot.timer);
		slot.job = undefined;
		this.#slots = this.#slots.filter((candidate) => candidate !== slot);
	}
}

function closedError(): PoolUnavailableError {
	return new PoolUnavailableError('closed', 'The server is shutting down.');
}

function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}
