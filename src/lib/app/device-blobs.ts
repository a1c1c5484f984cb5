import { LOCAL_USER, type UserId } from '$sync/ids';
import { BlobError, BlobStore, type DeviceBlob } from '$lib/replica/blob-store';
import { BlobSync, type BlobSyncOptions, type UploadProgress } from '$lib/replica/blob-sync';
import { handleError } from './handle-error';
import { ModelPrefetch, type PrefetchOptions, type VersionFeed } from './model-prefetch';
import { perReplica } from './per-replica';

/** What the background upload is doing: its progress while it runs, its last failure. */
export interface BlobSyncStatus {
	progress: UploadProgress | null;
	error: Error | null;
}

/**
 * After a failure retries could not get past (long offline, storage full), the next try waits
 * this long, unless a blob is added or the browser comes back online first.
 */
export const BLOB_RETRY_MS = 5 * 60 * 1000;

/** Offline is normal for a local-first app, and a status, not something to alarm anyone with. */
const QUIET_FAILURES = new Set<string>(['network', 'rate_limited', 'server']);

/**
 * A user's blobs on this device, and for an account, their upload in the background and their
 * download on first use. Callers only `put` and `get`: where the bytes come from is this
 * module's business. Blob bytes never go into Yjs; the registry holds their sha256.
 */
export class DeviceBlobs {
	readonly store: BlobStore;
	#status: BlobSyncStatus = { progress: null, error: null };
	#sync: BlobSync | null = null;
	#run: Promise<void> | null = null;
	#isAskedAgain = false;
	#retry: ReturnType<typeof setTimeout> | undefined;
	#listeners = new Set<(status: BlobSyncStatus) => void>();
	readonly #prefetch: ModelPrefetch | null;

	/** `registry`: the models whose blobs are downloaded ahead of use while connected. */
	constructor(
		readonly userId: UserId,
		private readonly options: BlobSyncOptions & { prefetch?: PrefetchOptions } = {},
		registry: VersionFeed | null = null
	) {
		this.store = new BlobStore(userId);
		this.#prefetch = registry && new ModelPrefetch(registry, this, options.prefetch);
	}

	/**
	 * Starts syncing an account's blobs, now and whenever one is added or the browser is back
	 * online, and downloading those the registry's models need; returns the stop. A device
	 * without an account keeps its blobs to itself.
	 */
	connect(): () => void {
		if (this.userId === LOCAL_USER) return () => {};
		this.#sync?.stop();
		const sync = new BlobSync(this.store, this.options);
		this.#sync = sync;
		const onOnline = () => this.#schedule();
		if (typeof window !== 'undefined') window.addEventListener('online', onOnline);
		this.#schedule();
		const stopPrefetch = this.#prefetch?.start();
		return () => {
			stopPrefetch?.();
			sync.stop();
			if (this.#sync === sync) this.#sync = null;
			clearTimeout(this.#retry);
			if (typeof window !== 'undefined') window.removeEventListener('online', onOnline);
		};
	}

	/** Keeps the bytes on this device and, for an account, uploads them soon; returns the sha256. */
	async put(bytes: Uint8Array): Promise<string> {
		const sha256 = await this.store.put(bytes);
		this.#schedule();
		return sha256;
	}

	/** The bytes from this device, or downloaded once (and kept) while the account is connected. */
	async get(sha256: string): Promise<Uint8Array> {
		const local = await this.store.get(sha256);
		if (local) return local;
		if (!this.#sync) throw new BlobError('not_found', 'That file is not on this device.');
		return this.#sync.fetch(sha256);
	}

	has(sha256: string): Promise<boolean> {
		return this.store.has(sha256);
	}

	/** Deletes the blob here and, once synced, on the server (which frees the quota). */
	async delete(sha256: string): Promise<void> {
		await this.store.delete(sha256);
		this.#schedule();
	}

	list(): Promise<DeviceBlob[]> {
		return this.store.list();
	}

	/** Resolves once the uploads and downloads running now, and any asked for meanwhile, end. */
	async whenIdle(): Promise<void> {
		while (this.#run) await this.#run;
		await this.#prefetch?.whenIdle();
	}

	get status(): BlobSyncStatus {
		return this.#status;
	}

	onStatus(listener: (status: BlobSyncStatus) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	#schedule(): void {
		const sync = this.#sync;
		if (!sync) return;
		if (this.#run) {
			this.#isAskedAgain = true;
			return;
		}
		this.#isAskedAgain = false;
		clearTimeout(this.#retry);
		this.#run = this.#upload(sync).finally(() => {
			this.#run = null;
			if (this.#isAskedAgain) this.#schedule();
		});
	}

	async #upload(sync: BlobSync): Promise<void> {
		try {
			await sync.uploadPending((progress) => this.#setStatus({ progress, error: null }));
			this.#setStatus({ progress: null, error: null });
		} catch (error) {
			const isQuiet = error instanceof BlobError && QUIET_FAILURES.has(error.code);
			if (error instanceof BlobError && error.code === 'stopped') return;
			this.#setStatus({ progress: null, error: error as Error });
			if (!isQuiet) handleError(error, 'Could not upload model files');
			this.#retry = setTimeout(() => this.#schedule(), BLOB_RETRY_MS);
		}
	}

	#setStatus(status: BlobSyncStatus): void {
		this.#status = status;
		for (const listener of this.#listeners) listener(status);
	}
}

/** The replica's blobs; sync-connection connects them while the account is signed in. */
export const deviceBlobsFor = perReplica(
	(replica) => new DeviceBlobs(replica.userId, {}, replica.models)
);
