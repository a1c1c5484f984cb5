import * as v from 'valibot';
import type { JobStats } from '$sync/protocol/ai';
import type { ModelUpload, ValidatedModel } from '$sync/ai/model-check';

/**
 * Messages between the page and the AI worker. Vectors and scores travel as one transferred
 * Float32Array of `count × width` values, so a batch costs a single copy-free message. The worker
 * checks every request against these schemas before it runs it.
 */

const BackendSchema = v.picklist(['wasm', 'webgpu']);

/** Typed arrays over any buffer (an instance schema would narrow them to a plain ArrayBuffer). */
export const BytesSchema = v.custom<Uint8Array>((value) => value instanceof Uint8Array);
export const FloatsSchema = v.custom<Float32Array>((value) => value instanceof Float32Array);

export const ModelRefSchema = v.object({
	id: v.string(),
	version: v.string(),
	kind: v.picklist(['static', 'transformers']),
	/** Static models: the folder of model.onnx + vocab.txt. Transformers: the model name. */
	location: v.string(),
	/** Transformer models only: the person agreed to download it from the model hub. */
	allowDownload: v.optional(v.boolean()),
	/**
	 * A person's own model: its files (relative path → sha256) are in the device blob store, and
	 * the page sends their bytes with the first job (AiClient's `modelFiles`), not a URL.
	 */
	files: v.optional(v.record(v.string(), v.string())),
	/** The backend chosen for this version; wasm when unset, or when WebGPU is not there. */
	backend: v.optional(BackendSchema)
});
export type ModelRef = v.InferOutput<typeof ModelRefSchema>;

/** A model's files by relative path (model.onnx, vocab.txt, onnx/model.onnx, tokenizer.json…). */
const ModelFilesSchema = v.record(v.string(), BytesSchema);
export type ModelFiles = v.InferOutput<typeof ModelFilesSchema>;

/** A tag head's ONNX bytes, cached in the worker by version id (a version's bytes never change). */
const HeadRefSchema = v.object({
	versionId: v.string(),
	bytes: BytesSchema,
	labels: v.array(v.string()),
	backend: v.optional(BackendSchema)
});
export type HeadRef = v.InferOutput<typeof HeadRefSchema>;

const job = { jobId: v.number() };
/** performance.timeOrigin + now when the page queued the job, for queue time. */
const queuedAt = v.number();

export const WorkerRequestSchema = v.variant('type', [
	v.object({
		type: v.literal('embed'),
		...job,
		model: ModelRefSchema,
		texts: v.array(v.string()),
		files: v.optional(ModelFilesSchema),
		queuedAt
	}),
	/** Loads a model ahead of its first job, so the first query does not wait for it. */
	v.object({
		type: v.literal('load'),
		...job,
		model: ModelRefSchema,
		files: v.optional(ModelFilesSchema)
	}),
	/** Runs a tag head over `count` embedding vectors packed in one matrix. */
	v.object({
		type: v.literal('score'),
		...job,
		head: HeadRefSchema,
		vectors: FloatsSchema,
		count: v.pipe(v.number(), v.integer(), v.minValue(0)),
		queuedAt
	}),
	/** Checks an upload (static checks, then a timed sample run) before anything is stored. */
	v.object({
		type: v.literal('validate'),
		...job,
		upload: v.custom<ModelUpload>((value) => typeof value === 'object' && value !== null),
		limits: v.object({ maxBytes: v.number(), probeTimeoutMs: v.number() })
	})
]);
export type WorkerRequest = v.InferOutput<typeof WorkerRequestSchema>;

/** What a job cost, and why it ran on wasm when the model asked for WebGPU. */
export interface WorkerJobStats extends JobStats {
	fallback?: string;
}

/** While a transformer model's files load: bytes read so far and in all (0 while unknown). */
export interface LoadProgress {
	type: 'progress';
	model: string;
	loaded: number;
	total: number;
}

export type WorkerResponse =
	| { type: 'embedded'; jobId: number; dims: number; vectors: Float32Array; stats: WorkerJobStats }
	| { type: 'scored'; jobId: number; labels: number; scores: Float32Array; stats: WorkerJobStats }
	| { type: 'validated'; jobId: number; model: ValidatedModel; stats: WorkerJobStats }
	| { type: 'loaded'; jobId: number }
	/** `check` names the model check that failed (ModelCheckError), when one did. */
	| { type: 'failed'; jobId: number; message: string; check?: string }
	| LoadProgress;
