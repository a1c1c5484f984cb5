import type { JobStats } from '$sync/protocol/ai';

/**
 * Messages between the page and the AI worker. Vectors travel as one transferred Float32Array
 * of `count × dims` values, so a batch costs a single copy-free message.
 */

export interface ModelRef {
	id: string;
	version: string;
	kind: 'static' | 'transformers';
	/** Static models: the folder of model.onnx + vocab.txt. Transformers: the model name. */
	location: string;
	/** Transformer models only: the person agreed to download it from the model hub. */
	allowDownload?: boolean;
}

export type WorkerRequest =
	| {
			type: 'embed';
			jobId: number;
			model: ModelRef;
			texts: string[];
			/** performance.timeOrigin + now when the page queued the job, for queue time. */
			queuedAt: number;
	  }
	/** Loads a model ahead of its first job, so the first query does not wait for it. */
	| { type: 'load'; jobId: number; model: ModelRef };

/** Shared with the server fallback, which reports the same stats. */
export type { JobStats };

/** While a transformer model's files load: bytes read so far and in all (0 while unknown). */
export interface LoadProgress {
	type: 'progress';
	model: string;
	loaded: number;
	total: number;
}

export type WorkerResponse =
	| { type: 'embedded'; jobId: number; dims: number; vectors: Float32Array; stats: JobStats }
	| { type: 'loaded'; jobId: number }
	| { type: 'failed'; jobId: number; message: string }
	| LoadProgress;
