import type { ChildProcess } from 'node:child_process';
import { FairQueue, type JobQueue, type Priority } from './fair-queue';
import {
	preciseNow,
	type RunJob,
	type RunnerMessage,
	type RunResult,
	type RunTask
} from './runner-messages';
import { ModelRunError, PoolUnavailableError, type RunOutcome } from './run-outcome';

export interface PoolOptions {
	/** Runner processes, each with its own copy of the models. */
	workers: number;
	/** Jobs that may wait for a free worker, all tenants together; one more is refused at once. */
	queueLength: number;
	/** Of those, how many one tenant may have; queueLength when left out. */
	tenantQueueLength?: number;
	/** A job still running after this long has its runner killed and replaced. */
	jobTimeoutMs: number;
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
	request: RunJob;
	submittedAt: number;
	/** When a runner was given the job. */
	dispatchedAt?: number;
	resolve(outcome: RunOutcome): void;
	reject(error: Error): void;
}

interface Slot {
	worker: ChildProcess;
	/** The runner said it has loaded the built-in models; jobs wait on the slot until then. */
	isReady: boolean;
	job?: PoolJob;
	timer?: NodeJS.Timeout;
}

/** How long a new runner may take to load before it is taken for broken. */
const START_TIMEOUT_MS = 30_000;

/**
 * A bounded pool of model runner processes. Runners start when a job first needs one and stay;
 * one that dies or overruns a job is killed and replaced by the next job that needs it. Each
 * runs one job at a time, so a job's time is its own. Waiting jobs are served by a
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
		private readonly spawn: () => ChildProcess,
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

	run(task: RunTask, schedule: Schedule): Promise<RunOutcome> {
		return new Promise((resolve, reject) => {
			if (this.#closed) return reject(closedError());
			const request = { ...task, jobId: this.#nextJobId++ };
			const job = { request, submittedAt: preciseNow(), resolve, reject };
			// Only a job that must wait needs a place in the queue.
			if (!this.#paused && this.#queue.size === 0) {
				const slot = this.#freeSlot(job);
				if (slot) return this.#dispatch(slot, job);
				if (slot === null) return;
			}
			const ticket = { ...schedule, cost: estimateTokens(task.texts) };
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

	/** Kills every runner the way a crash would; jobs on them fail, later jobs get new ones. */
	async terminateWorkers(): Promise<void> {
		await Promise.all(this.#slots.map((slot) => kill(slot.worker)));
	}

	/** The process ids of the runners in the pool now. */
	pids(): number[] {
		return this.#slots.map((slot) => slot.worker.pid!);
	}

	async close(): Promise<void> {
		this.#closed = true;
		for (const job of this.#queue.drain()) job.reject(closedError());
		const slots = this.#slots.splice(0);
		for (const slot of slots) {
			clearTimeout(slot.timer);
			slot.job?.reject(closedError());
		}
		await Promise.all(slots.map((slot) => kill(slot.worker)));
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
		let worker: ChildProcess;
		try {
			worker = this.spawn();
		} catch (error) {
			// No worker can start (e.g. its file is missing): nothing queued would ever run.
			console.error('AI runner could not start:', error);
			for (const job of [...this.#queue.drain(), ...(pending ? [pending] : [])]) {
				job.reject(asError(error));
			}
			return null;
		}
		const slot: Slot = { worker, isReady: false };
		slot.worker.on('message', (message: RunnerMessage) => {
			if (message.type === 'ready') this.#ready(slot);
			else this.#settle(slot, message);
		});
		slot.worker.on('error', (error) => console.error('AI runner failed:', error));
		slot.worker.on('exit', (code, signal) => this.#lost(slot, code ?? signal));
		this.#slots.push(slot);
		return slot;
	}

	/** The job's time limit counts from when a ready runner takes it, not from a cold start. */
	#dispatch(slot: Slot, job: PoolJob): void {
		slot.job = job;
		if (!slot.isReady) {
			slot.timer = setTimeout(() => this.#overran(slot), START_TIMEOUT_MS);
			return;
		}
		job.dispatchedAt = preciseNow();
		slot.timer = setTimeout(() => this.#overran(slot), this.options.jobTimeoutMs);
		slot.worker.send(job.request);
	}

	#ready(slot: Slot): void {
		slot.isReady = true;
		clearTimeout(slot.timer);
		if (slot.job) this.#dispatch(slot, slot.job);
	}

	#settle(slot: Slot, result: RunResult): void {
		const job = slot.job;
		// A late answer from a worker already given up on is dropped.
		if (!job || job.request.jobId !== result.jobId) return;
		clearTimeout(slot.timer);
		slot.job = undefined;
		if (result.type === 'failed') {
			job.reject(new ModelRunError(result.message, result.cache, heldFor(job)));
		} else {
			job.resolve({
				dims: result.dims,
				values: result.values,
				tokens: result.tokens,
				queueMs: Math.max(0, result.startedAt - job.submittedAt),
				runMs: result.runMs,
				cache: result.cache
			});
		}
		this.#pump();
	}

	/** ORT cannot cancel a run, so a job that overruns costs its runner. */
	#overran(slot: Slot): void {
		const job = slot.job;
		if (!job) return;
		this.#drop(slot);
		void kill(slot.worker);
		console.error(`AI runner overran a job (${this.options.jobTimeoutMs} ms); replacing it`);
		job.reject(
			new PoolUnavailableError('timeout', 'The model took too long on this job.', heldFor(job))
		);
		this.#pump();
	}

	#lost(slot: Slot, code: number | string | null): void {
		// Workers dropped on purpose (overrun, close) are already out of the pool.
		if (!this.#slots.includes(slot)) return;
		const job = slot.job;
		this.#drop(slot);
		console.error(`AI runner exited (${code})${job ? ' during a job' : ''}`);
		job?.reject(
			new PoolUnavailableError(
				'worker_lost',
				'The model run ended its runner (it may have run out of memory).',
				heldFor(job)
			)
		);
		this.#pump();
	}

	#drop(slot: Slot): void {
		clearTimeout(slot.timer);
		slot.job = undefined;
		this.#slots = this.#slots.filter((candidate) => candidate !== slot);
	}
}

function heldFor(job: PoolJob): number {
	return job.dispatchedAt === undefined ? 0 : preciseNow() - job.dispatchedAt;
}

/** SIGKILL, resolved once the process has gone (at once if it already had). */
function kill(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		child.once('exit', () => resolve());
		child.kill('SIGKILL');
	});
}

function closedError(): PoolUnavailableError {
	return new PoolUnavailableError('closed', 'The server is shutting down.');
}

function asError(error: unknown): Error {
	return error instanceof Error ? error : new Error(String(error));
}
