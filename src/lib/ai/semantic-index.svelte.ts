import { handleError } from '$lib/app/handle-error';
import type { Replica } from '$lib/replica/replica';
import { loadVectors } from '$lib/replica/vector-store';
import { toBlock } from '$lib/replica/vector-block';
import type { ThoughtRow, ViewChanges } from '$lib/replica/view-db';
import type { ThoughtId } from '$sync/ids';
import { MAX_EMBED_TEXTS } from '$sync/protocol/ai';
import { AiClient } from './ai-client';
import type { InferenceRecord } from './inference-record';
import type { ModelRef } from './protocol';
import type { Scored } from './rank-fusion';
import { notices } from '$lib/app/notices.svelte';
import { backendChoice, embedInParts, isServerQuotaSpent } from './server-embedder';
import { VectorMatrix } from './vector-matrix';

/**
 * Thoughts per worker job and per write transaction. For the static model, 128 (with a second
 * transaction for each job's record) left indexing 50,000 in Chromium waiting on IndexedDB with
 * the worker idle (bench/browser/profile-embed-index.ts); rows arrive sorted by length, so a large
 * job pads little. A transformer's activations grow with the batch: it keeps 128.
 */
const BATCH: Record<ModelRef['kind'], number> = { static: 1024, transformers: 128 };
/** A change this large is a bulk write (a sync, an import): embed once the writes settle. */
const BULK_CHANGE = 100;
const SETTLE_MS = 1500;

/** Vectors in the order of their texts, and the records of the jobs that made them. */
type Embedded = { vectors: Float32Array[]; records: InferenceRecord[] };

/** What an index asks of the AI worker: a seam, as tests cannot start a worker. */
export type EmbedWorker = Pick<AiClient, 'job' | 'warm' | 'terminate'>;

/** Work that was still under way when its index was disposed: ends quietly. */
class IndexDisposedError extends Error {
	constructor() {
		super('The index was disposed.');
	}
}

/**
 * Every thought's vector for one model, kept in memory for brute-force cosine search (10k × 100
 * dims is a few ms) and in the view store so a restart re-embeds only what changed (content hash).
 */
export class SemanticIndex {
	progress = $state({ done: 0, total: 0 });
	isIndexing = $state(false);
	isAvailable = $state(true);
	#ai: EmbedWorker;
	/** Created with the first vector, which tells the model's dimensions. */
	#matrix: VectorMatrix<ThoughtId> | null = null;
	/** Changed thoughts not embedded yet: each one's latest row, or null once removed. */
	#dirty = new Map<ThoughtId, ThoughtRow | null>();
	#settle: ReturnType<typeof setTimeout> | undefined;
	#run: Promise<void> | null = null;
	#started: Promise<void> | null = null;
	#updateListeners = new Set<() => void>();
	#isWorkerBroken = false;
	#stopListening: () => void = () => {};
	#isDisposed = false;

	constructor(
		private readonly replica: Replica,
		readonly model: ModelRef,
		ai: EmbedWorker = new AiClient((entry) => replica.view.inferences.add(entry))
	) {
		this.#ai = ai;
	}

	/** Called after each batch of new vectors, e.g. to refresh results shown meanwhile. */
	onUpdated(listener: () => void): () => void {
		this.#updateListeners.add(listener);
		return () => this.#updateListeners.delete(listener);
	}

	get size(): number {
		return this.#matrix?.size ?? 0;
	}

	/**
	 * Loads stored vectors, then embeds every thought whose text changed since (once), and from
	 * then on every edit. Before it, edits cost nothing: the catch-up finds them by content hash.
	 */
	start(): Promise<void> {
		if (this.#isDisposed) return Promise.resolve();
		if (!this.#started) {
			this.#stopListening = this.replica.onChange((changes) => this.#changed(changes));
			this.#started = this.#schedule(true);
		}
		return this.#started;
	}

	get isStarted(): boolean {
		return this.#started !== null;
	}

	/**
	 * Stops for good: edits are no longer embedded and the worker (with its model) is freed. A job
	 * under way ends without writing; queries fall back to words, as for an unavailable model.
	 */
	dispose(): void {
		this.#isDisposed = true;
		this.isAvailable = false;
		this.#stopListening();
		clearTimeout(this.#settle);
		this.#dirty.clear();
		this.#ai.terminate();
	}

	/** Starts the worker and loads the model in the background, ready for the first query. */
	warm(): void {
		if (backendChoice(this.model.id) !== 'device' || this.#isWorkerBroken || this.#isDisposed) {
			return;
		}
		this.#ai.warm(this.model).catch((error: unknown) => {
			// The first real job reports the failure (and falls back to the server).
			console.warn('The AI worker could not load the model ahead of use', error);
		});
	}

	async embedText(text: string): Promise<Float32Array> {
		return (await this.embedTexts([text]))[0];
	}

	/**
	 * Texts that are not thoughts (e.g. a training set's tag-free texts), in batches. The log
	 * rows are written once at the end, not a transaction per batch on the page's thread (50,000
	 * texts are 782 batches); those of the batches done are written even when a later one fails.
	 */
	async embedTexts(texts: string[]): Promise<Float32Array[]> {
		const vectors: Float32Array[] = [];
		const records: Embedded['records'] = [];
		try {
			for (let start = 0; start < texts.length; start += MAX_EMBED_TEXTS) {
				const batch = await this.#job(texts.slice(start, start + MAX_EMBED_TEXTS));
				records.push(...batch.records);
				vectors.push(...batch.vectors);
			}
		} finally {
			if (records.length > 0) await this.replica.view.inferences.bulkAdd(records);
		}
		return vectors;
	}

	nearest(
		query: Float32Array,
		k: number,
		minScore: number,
		exclude?: ThoughtId
	): Scored<ThoughtId>[] {
		return this.#matrix?.nearest(query, k, minScore, exclude) ?? [];
	}

	/**
	 * On this device by default; on the server when the person chose it for this model (unless
	 * their plan's quota is spent: then here until it resets), or when the worker cannot run here
	 * at all (no WebAssembly, model failed to load). Returns the inference records for the caller
	 * to write.
	 */
	async #job(texts: string[]): Promise<Embedded> {
		if (this.#isDisposed) throw new IndexDisposedError();
		const isDeviceChosen = backendChoice(this.model.id) === 'device' || isServerQuotaSpent();
		if (isDeviceChosen && !this.#isWorkerBroken) {
			try {
				const { vectors, record } = await this.#ai.job(this.model, texts);
				return { vectors, records: [record] };
			} catch (error) {
				if (this.#isDisposed) throw new IndexDisposedError();
				if (this.model.kind !== 'static') throw error;
				console.warn('The AI worker failed; using the server', error);
				this.#isWorkerBroken = true;
			}
		}
		const done = await embedInParts(this.model, texts, () => this.#isDisposed);
		if (this.#isDisposed) throw new IndexDisposedError();
		if (!done.refusal) return done;
		if (this.#isWorkerBroken) throw done.refusal;
		// The rest of the job runs here; the server is asked again once the quota resets.
		notices.show('info', `${done.refusal.message} Running on this device until then.`);
		const rest = await this.#job(texts.slice(done.vectors.length));
		return {
			vectors: [...done.vectors, ...rest.vectors],
			records: [...done.records, ...rest.records]
		};
	}

	#store(id: ThoughtId, vector: Float32Array): void {
		this.#matrix ??= new VectorMatrix<ThoughtId>(vector.length);
		this.#matrix.set(id, vector);
	}

	#notifyUpdated(): void {
		for (const listener of this.#updateListeners) listener();
	}

	/**
	 * Single edits are embedded at once. During a bulk write (a new device syncing every shard)
	 * embedding waits until the writes have settled, then runs in large batches, so it neither
	 * slows the sync down nor embeds a thought twice.
	 */
	#changed(changes: ViewChanges): void {
		for (const [id, row] of changes) this.#dirty.set(id, row);
		clearTimeout(this.#settle);
		const wait = changes.size >= BULK_CHANGE || this.#settle !== undefined ? SETTLE_MS : 0;
		this.#settle = setTimeout(() => {
			this.#settle = undefined;
			void this.#schedule();
		}, wait);
	}

	#schedule(isFull = false): Promise<void> {
		const previous = this.#run ?? Promise.resolve();
		this.#run = previous
			.then(() => {
				if (this.#isDisposed) return;
				return isFull ? this.#catchUp() : this.#embedDirty();
			})
			.catch((error: unknown) => {
				if (error instanceof IndexDisposedError || this.#isDisposed) return;
				this.isAvailable = false;
				handleError(error, 'On-device AI could not start');
			})
			.finally(() => (this.isIndexing = false));
		return this.#run;
	}

	async #catchUp(): Promise<void> {
		const { rows, vectors } = await loadVectors(this.replica.view, this.model.id);
		for (const { id, vector } of vectors) this.#store(id, vector);
		// A query typed while these loaded was answered by words only: let it run again.
		this.#notifyUpdated();
		const current = new Set(vectors.map(({ id }) => id));
		// Similar lengths share a batch: a batch is padded to its longest text (bench/embed.bench.ts
		// found 89% padding in arrival order).
		const stale = rows.filter((row) => !current.has(row.id));
		await this.#embed(stale.sort((a, b) => a.text.length - b.text.length));
	}

	/** A removed thought's stored entry is dead once its row is gone; compaction drops it. */
	async #embedDirty(): Promise<void> {
		const changes = [...this.#dirty];
		this.#dirty.clear();
		for (const [id, row] of changes) if (!row) this.#matrix?.delete(id);
		const rows = changes.map(([, row]) => row).filter((row): row is ThoughtRow => !!row);
		await this.#embed(rows.sort((a, b) => a.text.length - b.text.length));
	}

	async #embed(rows: ThoughtRow[]): Promise<void> {
		if (rows.length === 0) return;
		this.isIndexing = true;
		this.progress = { done: 0, total: rows.length };
		const size = BATCH[this.model.kind];
		const batches: ThoughtRow[][] = [];
		for (let i = 0; i < rows.length; i += size) batches.push(rows.slice(i, i + size));
		const texts = (batch: ThoughtRow[]) => batch.map((row) => row.text);
		let embedded = await this.#job(texts(batches[0]));
		let writing: Promise<void> = Promise.resolve();
		for (const [i, batch] of batches.entries()) {
			// Queued behind the previous batch's transaction: its values are cloned while that one
			// commits, and the worker embeds the next batch meanwhile.
			const write = this.#save(batch, embedded);
			// Awaited in the next round; this only keeps a failure from being reported as unhandled
			// in the meantime.
			write.catch(() => undefined);
			const next = batches[i + 1];
			const [nextEmbedded] = await Promise.all([next && this.#job(texts(next)), writing]);
			this.progress = { done: i * size, total: rows.length };
			writing = write;
			if (nextEmbedded) embedded = nextEmbedded;
		}
		await writing;
		this.progress = { done: rows.length, total: rows.length };
	}

	/** A batch's vectors (one block) and its jobs' inference records, in one transaction. */
	async #save(batch: ThoughtRow[], { vectors, records }: Embedded): Promise<void> {
		if (this.#isDisposed) throw new IndexDisposedError();
		const view = this.replica.view;
		const entries = batch.map((row, j) => ({ id: row.id, hash: row.hash, vector: vectors[j] }));
		const block = toBlock(this.model.id, entries);
		await view.transaction('rw', view.vectorBlocks, view.inferences, async () => {
			await view.vectorBlocks.add(block);
			await view.inferences.bulkAdd(records);
		});
		batch.forEach((row, j) => this.#store(row.id, vectors[j]));
		this.#notifyUpdated();
	}
}
