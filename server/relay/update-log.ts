import type { DocumentStore, PendingUpdate } from './document-store';

/**
 * The least time between two commits of a busy relay: long enough to gather several updates,
 * short next to the 50 ms p99 target.
 */
export const GROUP_COMMIT_WINDOW_MS = 2;
/** Past this share of the event loop spent in commits lately, the log gathers for a window. */
export const BUSY_SHARE = 0.25;
/** How far back "lately" reaches: commit time decays with this time constant. */
const BUSY_HORIZON_MS = 100;
/**
 * A batch this large is an import, not typing: it waits for the window as a busy log's does, so
 * its commit and apply run in a later turn than its checks and other users' messages get between.
 */
export const IMMEDIATE_MAX_BYTES = 16 * 1024;

interface Waiting extends PendingUpdate {
	resolve(seq: number): void;
	reject(error: unknown): void;
}

/**
 * Group commit for the relay's update log, adaptive. With synchronous=FULL every commit is an
 * fsync, which blocks the event loop (0.24 ms on one machine of ours, 0.8 ms on another). While
 * commits take less than BUSY_SHARE of the loop, the log commits at the end of the current turn:
 * an update waits for nothing but the disk, and the updates read from every socket in that turn
 * share the commit. Past it (a slow disk or heavy traffic), or for a large batch, the next commit
 * waits until a window after the last one, so the relay pays one fsync per window. Each caller
 * awaits its own seq: the relay acknowledges an update only once its batch is on disk.
 */
export class UpdateLog {
	#batch: Waiting[] = [];
	#batchBytes = 0;
	#timer: NodeJS.Timeout | undefined;
	#immediate: NodeJS.Immediate | undefined;
	#lastCommitAt = -Infinity;
	/** Milliseconds spent committing, decayed over BUSY_HORIZON_MS, as of #decayedAt. */
	#commitMs = 0;
	#decayedAt = 0;

	constructor(
		private readonly documents: DocumentStore,
		private readonly windowMs = GROUP_COMMIT_WINDOW_MS
	) {}

	append(name: string, update: Uint8Array): Promise<number> {
		return new Promise((resolve, reject) => {
			this.#batch.push({ name, update, resolve, reject });
			this.#batchBytes += update.byteLength;
			this.#schedule();
		});
	}

	#schedule(): void {
		if (this.#timer) return;
		const now = performance.now();
		const isLight = this.#batchBytes <= IMMEDIATE_MAX_BYTES && this.#commitShare(now) < BUSY_SHARE;
		if (isLight) {
			this.#immediate ??= setImmediate(() => this.flush());
			return;
		}
		// Heavy: commit in a later turn, a window after the last commit.
		clearImmediate(this.#immediate);
		this.#immediate = undefined;
		const wait = Math.max(1, this.windowMs - (now - this.#lastCommitAt));
		this.#timer = setTimeout(() => this.flush(), wait);
	}

	/** The share of the loop spent committing lately (decays the tally to `now`). */
	#commitShare(now: number): number {
		this.#commitMs *= Math.exp(-(now - this.#decayedAt) / BUSY_HORIZON_MS);
		this.#decayedAt = now;
		return this.#commitMs / BUSY_HORIZON_MS;
	}

	/**
	 * Commits what is waiting now. The relay also calls it when it closes, after the last socket,
	 * so an update received during shutdown is on disk before the database is closed.
	 */
	flush(): void {
		clearTimeout(this.#timer);
		clearImmediate(this.#immediate);
		this.#timer = undefined;
		this.#immediate = undefined;
		const batch = this.#batch;
		this.#batch = [];
		this.#batchBytes = 0;
		if (batch.length === 0) return;
		const started = performance.now();
		let seqs: number[];
		try {
			seqs = this.documents.appendAll(batch);
		} catch (error) {
			for (const waiting of batch) waiting.reject(error);
			return;
		} finally {
			const ended = performance.now();
			this.#commitShare(ended);
			this.#commitMs += ended - started;
			this.#lastCommitAt = ended;
		}
		batch.forEach((waiting, i) => waiting.resolve(seqs[i]));
	}
}
