import * as v from 'valibot';

/**
 * The shape of one model version in the root doc's registry, as every device validates it.
 * A version is immutable once added: what changes (aliases, the preferred backend) is kept
 * beside it, so a concurrent edit can never bring back a version another device removed.
 */
export const MODEL_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const Id = v.pipe(v.string(), v.regex(MODEL_ID));
const Hex64 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Rate = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const Label = v.pipe(v.string(), v.minLength(1), v.maxLength(120));
const Labels = v.pipe(v.array(Label), v.maxLength(4096));
/** A path inside an uploaded bundle: relative, with no empty, `.` or `..` segment. */
const RelativePath = v.pipe(
	v.string(),
	v.maxLength(300),
	v.check((path) => path.split('/').every((part) => part !== '' && part !== '.' && part !== '..'))
);

export const MODEL_TASKS = ['embed', 'tag'] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];
export const RUN_BACKENDS = ['wasm', 'webgpu'] as const;
export type RunBackend = (typeof RUN_BACKENDS)[number];
export const ModelTaskSchema = v.picklist(MODEL_TASKS);
export const RunBackendSchema = v.picklist(RUN_BACKENDS);
export const VersionIdSchema = Id;

export const TensorSigSchema = v.object({
	name: v.pipe(v.string(), v.maxLength(200)),
	/** The element type as ONNX Runtime names it: `float32`, `int64`, … */
	type: v.pipe(v.string(), v.maxLength(32)),
	/** A fixed size, or a symbolic one (`batch`); -1 is an unknown size. */
	dims: v.pipe(
		v.array(
			v.union([
				v.pipe(v.number(), v.safeInteger(), v.minValue(-1)),
				v.pipe(v.string(), v.maxLength(64))
			])
		),
		v.maxLength(8)
	)
});
export type TensorSig = v.InferOutput<typeof TensorSigSchema>;

export const EvalMetricsSchema = v.object({
	precisionAt3: Rate,
	recallAt3: Rate,
	microF1: Rate,
	examples: Count
});
export type EvalMetrics = v.InferOutput<typeof EvalMetricsSchema>;

export const DatasetRefSchema = v.object({
	/** sha256 of the snapshot's canonical JSON: equal digests are equal data sets. */
	digest: Hex64,
	/** The blob holding the snapshot's JSON. */
	sha256: Hex64,
	examples: Count,
	train: Count,
	heldOut: Count,
	labels: Labels,
	/** Tags left out for having too few examples. */
	skipped: Labels
});
export type DatasetRef = v.InferOutput<typeof DatasetRefSchema>;

export const ModelVersionSchema = v.pipe(
	v.object({
		id: Id,
		/** The model this is a version of; a head's `embedder` names one too. */
		model: Id,
		name: v.pipe(v.string(), v.minLength(1), v.maxLength(120)),
		task: ModelTaskSchema,
		format: v.picklist(['static', 'transformers', 'head']),
		source: v.picklist(['builtin', 'hub', 'user', 'trained']),
		/** The main ONNX file in the blob store; null when the app or the hub serves the files. */
		sha256: v.nullable(Hex64),
		/** An uploaded embedder's other files, by relative path. */
		files: v.optional(
			v.pipe(
				v.record(RelativePath, Hex64),
				v.check((files) => Object.keys(files).length <= 64, 'at most 64 files')
			)
		),
		size: Count,
		signature: v.object({
			inputs: v.pipe(v.array(TensorSigSchema), v.maxLength(32)),
			outputs: v.pipe(v.array(TensorSigSchema), v.maxLength(32))
		}),
		/** An embedder's output dims; a head's input dims. */
		dims: v.pipe(
			v.array(v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(1_000_000))),
			v.minLength(1),
			v.maxLength(8)
		),
		labels: v.optional(Labels),
		embedder: v.optional(Id),
		dataset: v.optional(DatasetRefSchema),
		metrics: v.optional(
			v.object({
				heldOut: EvalMetricsSchema,
				baseline: EvalMetricsSchema,
				active: v.nullable(EvalMetricsSchema)
			})
		),
		/** The device that made it; empty when none did (the app or the hub serves it). */
		device: v.pipe(v.string(), v.maxLength(120)),
		createdAt: v.pipe(v.number(), v.finite(), v.minValue(0)),
		/** The backend it prefers to run on (kept beside the version, see `setVersionBackend`). */
		backend: v.optional(RunBackendSchema)
	}),
	v.check(
		(version) => (version.task === 'tag') === (version.format === 'head'),
		'a tag model is a head, and a head tags'
	),
	v.check(
		(version) => version.format !== 'head' || (!!version.labels && !!version.embedder),
		'a head names its labels and the embedder it reads'
	)
);
export type ModelVersion = v.InferOutput<typeof ModelVersionSchema>;

export const AliasesSchema = v.object({ active: v.nullable(Id), previous: v.nullable(Id) });
/** The version each task runs (`active`) and the one a roll back returns to (`previous`). */
export type Aliases = v.InferOutput<typeof AliasesSchema>;
