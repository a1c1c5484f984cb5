import type { DocumentStore, PendingUpdate } from './document-store';

/** Long enough for a busy relay to gather several updates, short next to the 50 ms p99 target. */
export const GROUP_COMMIT_WINDOW_MS = 2;

interface Waiting extends PendingUpdate {
	resolve(seq: number): void;
	reject(error: unknown): void;
}

/**
 * Group commit for the relay's update log. With synchronous=FULL every commit is an fsync
 * (~60 µs of CPU and ~240 µs blocking the event loop here); updates that arrive within one short
 * window share a transaction instead. Each caller awaits its own seq: the relay acknowledges an
 * update only once the batch holding it is on disk.
 */
export class UpdateLog {
	#batch: Waiting[] = [];
	#timer: NodeJS.Timeout | undefined;

	constructor(
		private readonly documents: DocumentStore,
		private readonly windowMs = GROUP_COMMIT_WINDOW_MS
	) {}

	append(name: string, update: Uint8Array): Promise<number> {
		return new Promise((resolve, reject) => {
			this.#batch.push({ name, update, resolve, reject });
			this.#timer ??= setTimeout(() => this.flush(), this.windowMs);
		});
	}

	/**
	 * Commits what is waiting now. The relay also calls it when it closes, after the last socket,
	 * so an update received during shutdown is on disk before the database is closed.
	 */
	flush(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		const batch = this.#batch;
		this.#batch = [];
		if (batch.length === 0) return;
		let seqs: number[];
		try {
			seqs = this.documents.appendAll(batch);
		} catch (error) {
			for (const waiting of batch) waiting.reject(error);
			return;
		}
		batch.forEach((waiting, i) => waiting.resolve(seqs[i]));
	}
}
