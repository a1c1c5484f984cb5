import type { CacheEvent } from './byte-lru';

/** Messages between the inference pool (the server's process) and a model runner process. */

/** Given to each runner at start: the built-in embedders it loads once, and its cache budget. */
export interface RunnerSetup {
	builtins: { id: string; modelFile: string; vocabFile: string }[];
	/** Bytes of user models one runner keeps loaded (AI_MODEL_CACHE_MB). */
	cacheBytes: number;
	/** The most numbers one job may hand back: a bigger output fails the job, not the runner. */
	maxOutputValues: number;
}

/** A user's model file in the owner's blob store, already authorised and validated. */
export interface Artifact {
	sha256: string;
	path: string;
}

/** An uploaded transformer embedder: its ONNX file and the tokenizer files beside it. */
export interface BundleFiles {
	onnx: Artifact;
	tokenizer: Artifact;
	tokenizerConfig: Artifact | null;
}

/** A built-in embedder by id, or a user's uploaded one. */
export type EmbedderRef = { builtin: string } | { bundle: BundleFiles };

/** What to run: an embedder over texts, or a tag head over that embedder's vectors. */
export type RunTask =
	| { task: 'embed'; embedder: EmbedderRef; texts: string[] }
	| { task: 'tag'; embedder: EmbedderRef; head: Artifact; texts: string[] };

export type RunJob = RunTask & { jobId: number };

/** How many of each cache event one job caused. */
export type CacheCounts = Partial<Record<CacheEvent, number>>;

export type RunResult =
	| {
			type: 'done';
			jobId: number;
			/** `[texts, width]`: embeddings, or one score per label. */
			dims: [number, number];
			/** Row-major values. */
			values: Float32Array;
			/** Tokens over all texts, unknown words included. */
			tokens: number;
			/** performance.timeOrigin + now() when the runner began the job: comparable across processes. */
			startedAt: number;
			/** Loading a user model, tokenising and running; the built-in's start-up load is not. */
			runMs: number;
			cache: CacheCounts;
	  }
	| { type: 'failed'; jobId: number; message: string; cache: CacheCounts };

/** What a runner sends: `ready` once, when its built-in models are loaded; then results. */
export type RunnerMessage = { type: 'ready' } | RunResult;

/** Milliseconds since the epoch with sub-millisecond precision, in any process. */
export function preciseNow(): number {
	return performance.timeOrigin + performance.now();
}
