import type { LoadProgress, WorkerRequest, WorkerResponse } from './protocol';

export type Answer = Exclude<WorkerResponse, LoadProgress | { type: 'failed' }>;
export type Failed = Extract<WorkerResponse, { type: 'failed' }>;
/** The worker a connection talks to; a test passes one that runs the jobs in-process. */
export type WorkerFactory = () => Worker;

/** A job the worker refused or could not run; `check` names the model check that failed. */
export class WorkerJobError extends Error {
	constructor(
		message: string,
		readonly check?: string
	) {
		super(message);
		this.name = 'WorkerJobError';
	}
}

interface Pending {
	resolve: (answer: Answer) => void;
	reject: (error: Error) => void;
}

/**
 * Numbered jobs to one worker, started on first use. Requests are posted in the order they
 * were sent even when building one waits (e.g. for a model's files), so a model's files always
 * reach the worker before the jobs that need them.
 */
export class WorkerConnection {
	#worker: Worker | null = null;
	#jobs = new Map<number, Pending>();
	#nextJob = 1;
	#posting: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly createWorker: WorkerFactory,
		private readonly onProgress: (progress: LoadProgress) => void,
		/** Told when the worker goes away (stopped or crashed): what it held is gone. */
		private readonly onGone: () => void = () => {}
	) {}

	send(
		build: (jobId: number) => WorkerRequest | Promise<WorkerRequest>,
		transfer: (request: WorkerRequest) => Transferable[] = () => []
	): Promise<Answer> {
		const jobId = this.#nextJob++;
		const answer = new Promise<Answer>((resolve, reject) =>
			this.#jobs.set(jobId, { resolve, reject })
		);
		this.#posting = this.#posting.then(async () => {
			try {
				const request = await build(jobId);
				this.#workerOrStart().postMessage(request, transfer(request));
			} catch (error) {
				this.#settle({ type: 'failed', jobId, message: String(error) }, error);
			}
		});
		return answer;
	}

	terminate(reason = 'The AI worker was stopped.'): void {
		this.#worker?.terminate();
		this.#gone(new WorkerJobError(reason));
	}

	#workerOrStart(): Worker {
		if (this.#worker) return this.#worker;
		const worker = this.createWorker();
		worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
			const response = event.data;
			if (response.type === 'progress') this.onProgress(response);
			else this.#settle(response);
		};
		worker.onerror = (event) => {
			this.#gone(new WorkerJobError(event.message || 'The AI worker failed.'));
		};
		this.#worker = worker;
		return worker;
	}

	#gone(error: Error): void {
		this.#worker = null;
		for (const job of this.#jobs.values()) job.reject(error);
		this.#jobs.clear();
		this.onGone();
	}

	#settle(response: Exclude<WorkerResponse, LoadProgress>, cause?: unknown): void {
		const job = this.#jobs.get(response.jobId);
		if (!job) return;
		this.#jobs.delete(response.jobId);
		if (response.type !== 'failed') return job.resolve(response);
		if (cause instanceof Error) return job.reject(cause);
		job.reject(new WorkerJobError(response.message, response.check));
	}
}
