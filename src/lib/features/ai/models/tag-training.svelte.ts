import { newVersionId } from '$sync/doc/model-versions';
import type {
	ArtifactStore,
	DatasetRef,
	DatasetSnapshot,
	DatasetTools,
	ModelVersion,
	Trainer,
	TrainingProgress,
	VersionRegistry
} from './ports';

/** The model id every trained tagger is a version of. */
export const TAGGER_MODEL = 'personal-tagger';
/** Tags with fewer examples than this are left out of training (and listed). */
export const MIN_EXAMPLES = 5;
/** Fixed, so the same data gives the same model on every device. */
const SEED = 42;

export const TRAINING_ERRORS = {
	no_labels: `No tag is on ${MIN_EXAMPLES} thoughts yet: tag more thoughts to train on`,
	no_vectors: 'Your thoughts are not read by the active embedder yet',
	cancelled: 'Training was cancelled'
} as const;

export class TrainingError extends Error {
	constructor(readonly code: keyof typeof TRAINING_ERRORS) {
		super(TRAINING_ERRORS[code]);
	}
}

/** The view's thoughts with the active embedder's vector, for those it has one for. */
export interface TrainingExamples {
	rows: { id: string; hash: string; tags: string[] }[];
	vectors: ReadonlyMap<string, Float32Array>;
}

export interface TagTrainingDeps {
	registry: VersionRegistry;
	blobs: ArtifactStore;
	trainer: Trainer;
	tools: DatasetTools;
	/** The active embedder's id; its vectors cover every thought once it is active. */
	activeEmbedder(): string;
	examples(embedder: string): Promise<TrainingExamples>;
	device(): string;
}

export type TrainingPhase = 'idle' | 'preparing' | 'training' | 'saving';

export interface TrainingOutcome {
	version: ModelVersion;
	/** The gate made it active: it beat both the active tagger and the neighbour vote. */
	isPromoted: boolean;
}

/**
 * Trains a personal tagger: a data set from the user's tagged thoughts and the active
 * embedder's vectors, a head from the training worker, its bytes into the blob store, a
 * registry version with its held-out metrics, then the gate.
 */
export class TagTraining {
	phase = $state<TrainingPhase>('idle');
	progress = $state.raw<TrainingProgress | null>(null);
	/** Tags left out of the last data set, with how many examples each had. */
	skipped = $state.raw<DatasetSnapshot['skipped']>([]);
	outcome = $state.raw<TrainingOutcome | null>(null);
	#abort: AbortController | null = null;

	constructor(private readonly deps: TagTrainingDeps) {}

	get isBusy(): boolean {
		return this.phase !== 'idle';
	}

	/** Ends a training under way; `train()` then rejects with code `cancelled`. */
	cancel(): void {
		this.#abort?.abort();
	}

	async train(): Promise<TrainingOutcome> {
		if (this.#abort) throw new Error('A tag model is already being trained.');
		const abort = new AbortController();
		this.#abort = abort;
		this.phase = 'preparing';
		this.progress = null;
		try {
			const outcome = await this.#run(abort.signal);
			this.outcome = outcome;
			return outcome;
		} catch (error) {
			throw abort.signal.aborted ? new TrainingError('cancelled') : error;
		} finally {
			this.#abort = null;
			this.phase = 'idle';
		}
	}

	async #run(signal: AbortSignal): Promise<TrainingOutcome> {
		const { registry, blobs, tools } = this.deps;
		const embedder = this.deps.activeEmbedder();
		const { rows, vectors } = await this.deps.examples(embedder);
		// The snapshot names exactly what was trained on: thoughts not read yet are left out.
		const readRows = rows.filter((row) => vectors.has(row.id));
		if (readRows.length === 0) throw new TrainingError('no_vectors');
		const dataset = await tools.buildDataset(readRows, embedder, { minExamples: MIN_EXAMPLES });
		this.skipped = dataset.skipped;
		if (dataset.labels.length === 0) throw new TrainingError('no_labels');
		const matrix = toMatrix(dataset, vectors, tools.isHeldOut);
		const heldOutCount = matrix.heldOut.filter(Boolean).length;

		this.phase = 'training';
		const result = await this.deps.trainer.train(
			{ ...matrix, seed: SEED, active: await this.#comparableActive(embedder) },
			(progress) => (this.progress = progress),
			signal
		);
		signal.throwIfAborted();

		// Only now is anything stored: a cancelled or failed run leaves no blob to upload.
		this.phase = 'saving';
		const datasetSha = await blobs.put(new TextEncoder().encode(JSON.stringify(dataset)));
		const sha256 = await blobs.put(result.bytes);
		const ref: DatasetRef = {
			digest: dataset.digest,
			sha256: datasetSha,
			examples: matrix.n,
			train: matrix.n - heldOutCount,
			heldOut: heldOutCount,
			labels: dataset.labels,
			skipped: dataset.skipped.map((s) => s.tag)
		};
		const version = headVersion(newVersionId(TAGGER_MODEL), {
			sha256,
			size: result.bytes.length,
			dims: matrix.dims,
			embedder,
			dataset: ref,
			metrics: result.metrics,
			device: this.deps.device()
		});
		registry.addVersion(version);
		const { heldOut, baseline, active } = result.metrics;
		const isPromoted = tools.shouldPromote(heldOut, baseline, active);
		if (isPromoted) registry.promote('tag', version.id);
		return { version, isPromoted };
	}

	/**
	 * The active tagger, when it reads the same embedder's vectors (else it is no rival). Its
	 * bytes not being here fails the run: the gate must not move an alias it could not compare.
	 */
	async #comparableActive(embedder: string) {
		const { registry, blobs } = this.deps;
		const id = registry.aliasesOf('tag').active;
		const active = id ? registry.getVersion(id) : null;
		if (!active?.sha256 || !active.labels || active.embedder !== embedder) return null;
		return { bytes: await blobs.get(active.sha256), labels: active.labels };
	}
}

function toMatrix(
	dataset: DatasetSnapshot,
	vectors: ReadonlyMap<string, Float32Array>,
	isHeldOut: (id: string) => boolean
) {
	const examples = dataset.examples;
	const dims = vectors.get(examples[0].id)!.length;
	const labels = dataset.labels;
	const column = new Map(labels.map((label, i) => [label, i]));
	const x = new Float32Array(examples.length * dims);
	const y = new Uint8Array(examples.length * labels.length);
	examples.forEach((example, i) => {
		x.set(vectors.get(example.id)!, i * dims);
		for (const label of example.labels) {
			const j = column.get(label);
			if (j !== undefined) y[i * labels.length + j] = 1;
		}
	});
	const heldOut = examples.map((example) => isHeldOut(example.id));
	return { x, y, n: examples.length, dims, labels, heldOut };
}

function headVersion(
	id: string,
	head: Required<Pick<ModelVersion, 'embedder' | 'dataset' | 'metrics'>> &
		Pick<ModelVersion, 'size' | 'device'> & { sha256: string; dims: number }
): ModelVersion {
	const labels = head.dataset.labels;
	return {
		id,
		model: TAGGER_MODEL,
		name: `Personal tagger (${labels.length} tags)`,
		task: 'tag',
		format: 'head',
		source: 'trained',
		sha256: head.sha256,
		size: head.size,
		signature: {
			inputs: [{ name: 'embeddings', type: 'float32', dims: ['batch', head.dims] }],
			outputs: [{ name: 'scores', type: 'float32', dims: ['batch', labels.length] }]
		},
		dims: [head.dims],
		labels,
		embedder: head.embedder,
		dataset: head.dataset,
		metrics: head.metrics,
		device: head.device,
		createdAt: Date.now()
	};
}
