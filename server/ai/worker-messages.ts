/** Messages between the inference pool (main thread) and an embed worker. */

/** Given to each worker at start: the model files it loads once. */
export interface EmbedWorkerData {
	models: { id: string; modelFile: string; vocabFile: string }[];
}

export interface EmbedJob {
	jobId: number;
	model: string;
	texts: string[];
}

export type EmbedJobResult =
	| {
			type: 'done';
			jobId: number;
			dims: number;
			/** `texts.length × dims` values, row-major; transferred, not copied. */
			vectors: Float32Array<ArrayBuffer>;
			/** Tokens over all texts, unknown words included. */
			tokens: number;
			/** performance.timeOrigin + now() when the worker began the job: comparable across threads. */
			startedAt: number;
			/** Tokenising and running the model; loading it is not included. */
			runMs: number;
	  }
	| { type: 'failed'; jobId: number; message: string };

/** Milliseconds since the epoch with sub-millisecond precision, on any thread. */
export function preciseNow(): number {
	return performance.timeOrigin + performance.now();
}
