import { versionBlobs, type ModelVersion } from '$sync/doc/model-versions';
import { BlobError } from '$lib/replica/blob-store';
import { handleError } from './handle-error';

/** The registry as the prefetch reads it (ReplicaModels): validated versions, and their changes. */
export interface VersionFeed {
	listVersions(): ModelVersion[];
	/** Told of every change, from this device or another; returns the stop. */
	onChanged(listener: () => void): () => void;
}

/** Where the bytes go (DeviceBlobs): a `get` of a blob the device lacks downloads and keeps it. */
export interface BlobFetcher {
	has(sha256: string): Promise<boolean>;
	get(sha256: string): Promise<Uint8Array>;
}

export interface PrefetchOptions {
	/** Downloads at once: a few keep the line busy without holding many models in memory. */
	concurrency?: number;
	/** After a failed run the next waits `firstMs`, doubling up to `maxMs`, unless asked sooner. */
	retry?: { firstMs: number; maxMs: number };
}

export const DEFAULT_PREFETCH = { concurrency: 2, retry: { firstMs: 10_000, maxMs: 5 * 60_000 } };

/**
 * Failures that pass by themselves: offline, a busy server, or a blob another device registered
 * but has not uploaded yet. Retried quietly; anything else is told once per blob.
 */
const QUIET_FAILURES = new Set<string>([
	'network',
	'rate_limited',
	'server',
	'not_found',
	'stopped'
]);

/**
 * Downloads in the background every blob the registry references and the device lacks, so a
 * model registered on another device of the account runs here, offline too. Runs on start, on
 * every registry change and when the browser is back online; one run at a time.
 */
export class ModelPrefetch {
	readonly #registry: VersionFeed;
	readonly #blobs: BlobFetcher;
	readonly #concurrency: number;
	readonly #retry: { firstMs: number; maxMs: number };
	#retryMs: number;
	#timer: ReturnType<typeof setTimeout> | undefined;
	#run: Promise<void> | null = null;
	#isAskedAgain = false;
	#isStopped = true;
	readonly #reported = new Set<string>();

	constructor(registry: VersionFeed, blobs: BlobFetcher, options: PrefetchOptions = {}) {
		this.#registry = registry;
		this.#blobs = blobs;
		this.#concurrency = options.concurrency ?? DEFAULT_PREFETCH.concurrency;
		this.#retry = options.retry ?? DEFAULT_PREFETCH.retry;
		this.#retryMs = this.#retry.firstMs;
	}

	/** Starts following the registry; returns the stop (downloads running then end `stopped`). */
	start(): () => void {
		this.#isStopped = false;
		const stopWatching = this.#registry.onChanged(() => this.#schedule());
		const onOnline = () => {
			this.#retryMs = this.#retry.firstMs;
			this.#schedule();
		};
		if (typeof window !== 'undefined') window.addEventListener('online', onOnline);
		this.#schedule();
		return () => {
			this.#isStopped = true;
			clearTimeout(this.#timer);
			stopWatching();
			if (typeof window !== 'undefined') window.removeEventListener('online', onOnline);
		};
	}

	/** Resolves once the run going now, and any asked for meanwhile, has finished. */
	async whenIdle(): Promise<void> {
		while (this.#run) await this.#run;
	}

	#schedule(): void {
		if (this.#isStopped || isOffline()) return;
		if (this.#run) {
			this.#isAskedAgain = true;
			return;
		}
		this.#isAskedAgain = false;
		clearTimeout(this.#timer);
		const run = this.#prefetch().catch((error: unknown) => {
			handleError(error, 'Could not download model files');
		});
		this.#run = run.finally(() => {
			this.#run = null;
			if (this.#isAskedAgain) this.#schedule();
		});
	}

	async #prefetch(): Promise<void> {
		const queue = new Set(this.#registry.listVersions().flatMap(versionBlobs)).values();
		let isFailed = false;
		// Each worker takes the next blob from the shared queue until it is empty.
		const worker = async () => {
			for (const sha256 of queue) {
				if (this.#isStopped) return;
				try {
					if (!(await this.#blobs.has(sha256))) await this.#blobs.get(sha256);
				} catch (error) {
					isFailed = true;
					this.#report(sha256, error);
				}
			}
		};
		await Promise.all(Array.from({ length: this.#concurrency }, worker));
		if (this.#isStopped) return;
		if (!isFailed) {
			this.#retryMs = this.#retry.firstMs;
			return;
		}
		this.#timer = setTimeout(() => this.#schedule(), this.#retryMs);
		this.#retryMs = Math.min(this.#retryMs * 2, this.#retry.maxMs);
	}

	#report(sha256: string, error: unknown): void {
		const code = error instanceof BlobError ? error.code : 'unknown';
		if (QUIET_FAILURES.has(code) || this.#reported.has(`${sha256}:${code}`)) return;
		this.#reported.add(`${sha256}:${code}`);
		handleError(error, 'Could not download a model file');
	}
}

const isOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;
