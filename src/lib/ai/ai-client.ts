import { inferenceRecord, type InferenceRecord } from './inference-record';
import type { JobStats, LoadProgress, ModelRef, WorkerRequest, WorkerResponse } from './protocol';

export interface EmbedJob {
	vectors: Float32Array[];
	record: InferenceRecord;
}

type Pending = {
	resolve: (result: { vectors: Float32Array[]; stats: JobStats } | null) => void;
	reject: (error: Error) => void;
};

/**
 * The page's handle on the AI worker: queues jobs, splits the returned matrix into vectors and
 * records every job in the inference log.
 */
export class AiClient {
	#worker: Worker | null = null;
	#jobs = new Map<number, Pending>();
	#nextJob = 1;
	#progressListeners = new Set<(progress: LoadProgress) => void>();

	constructor(private readonly record: (entry: InferenceRecord) => Promise<unknown>) {}

	async embed(model: ModelRef, texts: string[]): Promise<Float32Array[]> {
		if (texts.length === 0) return [];
		const { vectors, record } = await this.job(model, texts);
		await this.record(record);
		return vectors;
	}

	/**
	 * One embedding job whose inference record the caller writes, e.g. in the same transaction
	 * as the vectors: bulk indexing then commits once per batch instead of twice.
	 */
	async job(model: ModelRef, texts: string[]): Promise<EmbedJob> {
		const queuedAt = performance.timeOrigin + performance.now();
		const result = await this.#send((jobId) => ({ type: 'embed', jobId, model, texts, queuedAt }));
		if (!result) throw new Error('The AI worker answered an embedding job without vectors.');
		return { vectors: result.vectors, record: inferenceRecord(model, result.stats) };
	}

	/** Starts the worker and loads the model now, so the first job does not wait for either. */
	async warm(model: ModelRef): Promise<void> {
		await this.#send((jobId) => ({ type: 'load', jobId, model }));
	}

	#send(request: (jobId: number) => WorkerRequest) {
		return new Promise<{ vectors: Float32Array[]; stats: JobStats } | null>((resolve, reject) => {
			const jobId = this.#nextJob++;
			this.#jobs.set(jobId, { resolve, reject });
			this.#workerOrStart().postMessage(request(jobId));
		});
	}

	/** Model download progress from the worker, e.g. for a progress bar. */
	onProgress(listener: (progress: LoadProgress) => void): () => void {
		this.#progressListeners.add(listener);
		return () => this.#progressListeners.delete(listener);
	}

	terminate(): void {
		this.#worker?.terminate();
		this.#worker = null;
		for (const job of this.#jobs.values()) job.reject(new Error('The AI worker was stopped.'));
		this.#jobs.clear();
	}

	#workerOrStart(): Worker {
		if (this.#worker) return this.#worker;
		const worker = new Worker(new URL('./ai.worker.ts', import.meta.url), { type: 'module' });
		worker.onmessage = (event: MessageEvent<WorkerResponse>) => {
			const response = event.data;
			if (response.type !== 'progress') return this.#settle(response);
			for (const listener of this.#progressListeners) listener(response);
		};
		worker.onerror = (event) => {
			for (const job of this.#jobs.values())
				job.reject(new Error(event.message || 'AI worker failed'));
			this.#jobs.clear();
			this.#worker = null;
		};
		this.#worker = worker;
		return worker;
	}

	#settle(response: Exclude<WorkerResponse, LoadProgress>): void {
		const job = this.#jobs.get(response.jobId);
		if (!job) return;
		this.#jobs.delete(response.jobId);
		if (response.type === 'failed') return job.reject(new Error(response.message));
		if (response.type === 'loaded') return job.resolve(null);
		const { dims, vectors } = response;
		// Copies, not views: a stored view would drag the whole batch buffer into IndexedDB.
		const split = Array.from({ length: vectors.length / dims }, (_, i) =>
			vectors.slice(i * dims, (i + 1) * dims)
		);
		job.resolve({ vectors: split, stats: response.stats });
	}
}
