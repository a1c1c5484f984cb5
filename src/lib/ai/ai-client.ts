import {
	DEFAULT_MODEL_LIMITS,
	MODEL_CHECKS,
	ModelCheckError,
	type ModelLimits,
	type ModelUpload,
	type ValidatedModel
} from '$sync/ai/model-check';
import type { ExecutionBackend } from './backend';
import { failedRecord, inferenceRecord, textBytes, type InferenceRecord } from './inference-record';
import type { HeadRef, LoadProgress, ModelFiles, ModelRef, WorkerRequest } from './protocol';
import {
	WorkerConnection,
	WorkerJobError,
	type Answer,
	type WorkerFactory
} from './worker-connection';

export interface EmbedJob {
	vectors: Float32Array[];
	record: InferenceRecord;
}

/** One score per label for each vector, and the backend that actually ran the head. */
export interface TagScores {
	scores: Float32Array[];
	backend: ExecutionBackend;
	fallback?: string;
}

export interface AiClientOptions {
	/** The bytes of a person's own model (`ref.files`), read from the device blob store. */
	modelFiles?: (ref: ModelRef) => Promise<ModelFiles>;
	createWorker?: WorkerFactory;
}

/** A probe that hangs past its own timeout cannot be interrupted inside the worker: stop it. */
const VALIDATE_GRACE_MS = 30_000;

const startAiWorker: WorkerFactory = () =>
	new Worker(new URL('./ai.worker.ts', import.meta.url), { type: 'module' });

/**
 * The page's handle on the AI worker: queues jobs, splits returned matrices into vectors and
 * records every job in the inference log, with the backend that ran it.
 */
export class AiClient {
	#connection: WorkerConnection;
	#createWorker: WorkerFactory;
	#modelFiles: AiClientOptions['modelFiles'];
	/** Models whose files the running worker got; it forgets them when it stops. */
	#filesSent = new Set<string>();
	#progressListeners = new Set<(progress: LoadProgress) => void>();

	constructor(
		private readonly record: (entry: InferenceRecord) => Promise<unknown>,
		options: AiClientOptions = {}
	) {
		this.#createWorker = options.createWorker ?? startAiWorker;
		this.#modelFiles = options.modelFiles;
		this.#connection = new WorkerConnection(
			this.#createWorker,
			(progress) => this.#progressListeners.forEach((listener) => listener(progress)),
			() => this.#filesSent.clear()
		);
	}

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
		const queuedAt = now();
		const answer = await this.#sendWithFiles(model, (jobId, files) => ({
			type: 'embed',
			jobId,
			model,
			texts,
			files,
			queuedAt
		})).catch(async (error: unknown) => {
			const inputChars = texts.reduce((sum, text) => sum + text.length, 0);
			const job = {
				batch: texts.length,
				inputChars,
				queuedAt,
				task: 'embed',
				bytesIn: textBytes(texts)
			} as const;
			await this.#recordFailure(error, failedRecord(model, job));
			throw error;
		});
		const { dims, vectors, stats } = answerOf(answer, 'embedded');
		const traffic = {
			task: 'embed',
			bytesIn: textBytes(texts),
			bytesOut: vectors.byteLength
		} as const;
		return { vectors: split(vectors, dims), record: inferenceRecord(model, stats, traffic) };
	}

	/** Starts the worker and loads the model now, so the first job does not wait for either. */
	async warm(model: ModelRef): Promise<void> {
		const answer = await this.#sendWithFiles(model, (jobId, files) => ({
			type: 'load',
			jobId,
			model,
			files
		}));
		answerOf(answer, 'loaded');
	}

	/** Scores each vector with a tag head; the head's bytes are kept in the worker per version. */
	async scoreTags(head: HeadRef, vectors: Float32Array[]): Promise<TagScores> {
		const dims = vectors[0]?.length ?? 0;
		if (vectors.some((vector) => vector.length !== dims))
			throw new WorkerJobError('Every vector scored at once must have the same length.');
		const packed = new Float32Array(vectors.length * dims);
		vectors.forEach((vector, i) => packed.set(vector, i * dims));
		// Counted before the buffer is transferred to the worker.
		const bytesIn = packed.byteLength;
		const queuedAt = now();
		const answer = await this.#connection
			.send(
				(jobId) => ({
					type: 'score',
					jobId,
					head,
					vectors: packed,
					count: vectors.length,
					queuedAt
				}),
				() => [packed.buffer]
			)
			.catch(async (error: unknown) => {
				const job = {
					batch: vectors.length,
					inputChars: 0,
					queuedAt,
					task: 'tag',
					bytesIn
				} as const;
				const model = { id: head.versionId, version: 'tag', backend: head.backend };
				await this.#recordFailure(error, failedRecord(model, job));
				throw error;
			});
		const { labels, scores, stats } = answerOf(answer, 'scored');
		const traffic = { task: 'tag', bytesIn, bytesOut: scores.byteLength } as const;
		await this.record(inferenceRecord({ id: head.versionId, version: 'tag' }, stats, traffic));
		const backend = stats.backend === 'webgpu' ? 'webgpu' : 'wasm';
		return { scores: split(scores, labels), backend, fallback: stats.fallback };
	}

	/**
	 * Every check of an upload, the sample run last, in a worker of its own: a model that hangs
	 * is stopped with it, and search and embedding never wait behind a probe. Throws
	 * ModelCheckError naming the check that failed.
	 */
	async validateModel(
		upload: ModelUpload,
		limits: Partial<ModelLimits> = {}
	): Promise<ValidatedModel> {
		const { probeTimeoutMs, maxBytes } = { ...DEFAULT_MODEL_LIMITS, ...limits };
		const connection = new WorkerConnection(this.#createWorker, () => {});
		const watchdog = setTimeout(
			() => connection.terminate(`The sample run did not finish in ${probeTimeoutMs / 1000} s.`),
			probeTimeoutMs + VALIDATE_GRACE_MS
		);
		try {
			const answer = await connection.send((jobId) => ({
				type: 'validate',
				jobId,
				upload,
				limits: { probeTimeoutMs, maxBytes }
			}));
			const { model, stats } = answerOf(answer, 'validated');
			const traffic = { task: 'validate', bytesIn: model.size, bytesOut: 0 } as const;
			await this.record(
				inferenceRecord({ id: `upload:${upload.task}`, version: '' }, stats, traffic)
			);
			return model;
		} catch (error) {
			if (!(error instanceof WorkerJobError)) throw error;
			// A worker that crashed or was stopped counts against the sample run.
			const check = MODEL_CHECKS.find((name) => name === error.check) ?? 'probe';
			throw new ModelCheckError(check, error.message);
		} finally {
			clearTimeout(watchdog);
			connection.terminate();
		}
	}

	/** Model download progress from the worker, e.g. for a progress bar. */
	onProgress(listener: (progress: LoadProgress) => void): () => void {
		this.#progressListeners.add(listener);
		return () => this.#progressListeners.delete(listener);
	}

	terminate(): void {
		this.#connection.terminate();
	}

	/** A job the worker failed (not one refused before it was sent) is logged as failed. */
	async #recordFailure(error: unknown, record: InferenceRecord): Promise<void> {
		if (error instanceof WorkerJobError) await this.record(record).catch(() => {});
	}

	/**
	 * A person's own model's bytes go with the first job the running worker gets for it; if that
	 * job fails, the worker did not keep the model, and the next job sends them again.
	 */
	async #sendWithFiles(
		model: ModelRef,
		build: (jobId: number, files: ModelFiles | undefined) => WorkerRequest
	): Promise<Answer> {
		const key = `${model.id}@${model.version}@${model.backend ?? 'wasm'}`;
		let carried = false;
		try {
			return await this.#connection.send(async (jobId) => {
				if (!model.files || this.#filesSent.has(key)) return build(jobId, undefined);
				if (!this.#modelFiles) throw new WorkerJobError(`No way to read the files of ${model.id}.`);
				const files = await this.#modelFiles(model);
				this.#filesSent.add(key);
				carried = true;
				return build(jobId, files);
			});
		} catch (error) {
			if (carried) this.#filesSent.delete(key);
			throw error;
		}
	}
}

function answerOf<T extends Answer['type']>(answer: Answer, type: T): Extract<Answer, { type: T }> {
	if (answer.type !== type)
		throw new WorkerJobError(`The AI worker answered a ${type} job with ${answer.type}.`);
	return answer as Extract<Answer, { type: T }>;
}

/** Copies, not views: a stored view would drag the whole batch buffer into IndexedDB. */
function split(matrix: Float32Array, width: number): Float32Array[] {
	if (width === 0) return [];
	return Array.from({ length: matrix.length / width }, (_, i) =>
		matrix.slice(i * width, (i + 1) * width)
	);
}

function now(): number {
	return performance.timeOrigin + performance.now();
}
