/**
 * What the Models screen asks of the registry, the device blob store, the training worker and
 * the AI worker, in the registry v2 shapes (sync/doc/model-versions.ts). The state classes take
 * these ports so tests can run them without workers; `models.ts` binds them to the real modules.
 */

import type {
	Aliases,
	DatasetRef,
	EvalMetrics,
	ModelTask,
	ModelVersion,
	RunBackend,
	TensorSig
} from '$sync/doc/model-versions';

export type { Aliases, DatasetRef, EvalMetrics, ModelTask, ModelVersion, RunBackend, TensorSig };
export type VersionMetrics = NonNullable<ModelVersion['metrics']>;

/** The user's registry in the root doc (ReplicaModels, v2). */
export interface VersionRegistry {
	readonly activeEmbedderId: string | null;
	listVersions(filter?: { model?: string; task?: ModelTask }): ModelVersion[];
	getVersion(id: string): ModelVersion | null;
	/** Throws for an id that exists. */
	addVersion(version: ModelVersion): void;
	/** 1-based within its model. */
	versionNumber(version: ModelVersion): number;
	aliasesOf(task: ModelTask): Aliases;
	promote(task: ModelTask, versionId: string): void;
	rollBack(task: ModelTask): void;
	/** Throws for the active version. */
	removeVersion(id: string): void;
	/** The backend a version prefers on every device (its "Run on" choice). */
	setBackend(versionId: string, backend: RunBackend): void;
	/** Told of every change (versions, aliases, embedders); returns the stop. */
	onChanged(listener: () => void): () => void;
}

/** Artifact bytes by sha256: on this device, fetched from the account when missing. */
export interface ArtifactStore {
	put(bytes: Uint8Array): Promise<string>;
	/** Throws when neither this device nor the account has it. */
	get(sha256: string): Promise<Uint8Array>;
	delete(sha256: string): Promise<void>;
}

export interface TrainingProgress {
	epoch: number;
	epochs: number;
	loss: number;
}

/** One row per example: vectors row-major, labels one byte per (example, label). */
export interface TrainingRequest {
	x: Float32Array;
	y: Uint8Array;
	n: number;
	dims: number;
	labels: string[];
	/** Per example: held out for evaluation (the split by thought id). */
	heldOut: boolean[];
	seed: number;
	/** The active tagger over the same embedder and labels, scored on the same held-out split. */
	active: { bytes: Uint8Array; labels: string[] } | null;
}

export interface TrainingResult {
	/** The head as ONNX. */
	bytes: Uint8Array;
	metrics: VersionMetrics;
}

/** The training worker: cancel ends it, and the result then rejects. */
export interface Trainer {
	train(
		request: TrainingRequest,
		onProgress: (progress: TrainingProgress) => void,
		signal: AbortSignal
	): Promise<TrainingResult>;
}

/** Scores per vector, and the backend that actually ran (with why it fell back, if it did). */
export interface HeadScores {
	scores: Float32Array[];
	backend: RunBackend;
	fallback?: string;
}

/** A head run by the AI worker over embedding vectors. */
export interface HeadRunner {
	scoreTags(
		head: { versionId: string; bytes: Uint8Array; labels: string[]; backend?: RunBackend },
		vectors: Float32Array[]
	): Promise<HeadScores>;
}

/** A data set snapshot (the trainer's DatasetSnapshot). */
export interface DatasetSnapshot {
	version: 1;
	embedder: string;
	examples: { id: string; hash: string; labels: string[] }[];
	labels: string[];
	skipped: { tag: string; count: number }[];
	digest: string;
}

/** The trainer's pure parts, run on the page: small and quick next to training itself. */
export interface DatasetTools {
	buildDataset(
		rows: { id: string; hash: string; tags: string[] }[],
		embedder: string,
		options: { minExamples: number }
	): Promise<DatasetSnapshot>;
	isHeldOut(id: string): boolean;
	shouldPromote(candidate: EvalMetrics, baseline: EvalMetrics, active: EvalMetrics | null): boolean;
}
