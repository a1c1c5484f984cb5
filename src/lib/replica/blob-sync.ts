import * as v from 'valibot';
import type { ErrorCode } from '$sync/protocol/api';
import { BlobError, checkSha256, sha256Hex, type BlobStore } from './blob-store';

/** The server's owner-only blob store: `PUT`, `GET` and `DELETE` `/api/blobs/<sha256>`. */
export const BLOBS_PATH = '/api/blobs';

export interface UploadProgress {
	/** Blobs uploaded so far in this run, of `total`. */
	done: number;
	total: number;
	bytesDone: number;
	bytesTotal: number;
}

/** How often and how patiently a request is tried again after a failure that may pass. */
export interface RetryPolicy {
	attempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 };

export interface BlobSyncOptions {
	/** Where the API is: this origin ('') in the app, a test server in tests. */
	baseUrl?: string;
	fetch?: typeof fetch;
	retry?: RetryPolicy;
}

const ServerErrorSchema = v.object({ error: v.object({ code: v.string(), message: v.string() }) });

/**
 * Moves a signed-in user's blobs between this device and the server. Uploads are idempotent
 * (the server answers 200 for a blob it already has), so two tabs uploading at once is harmless.
 * Downloads are verified against their name before anything is stored.
 */
export class BlobSync {
	readonly #store: BlobStore;
	readonly #baseUrl: string;
	readonly #fetch: typeof fetch;
	readonly #retry: RetryPolicy;
	readonly #abort = new AbortController();
	readonly #downloads = new Map<string, Promise<Uint8Array>>();

	constructor(store: BlobStore, options: BlobSyncOptions = {}) {
		this.#store = store;
		this.#baseUrl = options.baseUrl ?? '';
		// Called through a closure: the browser's fetch throws when called as another object's method.
		this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
		this.#retry = options.retry ?? DEFAULT_RETRY;
	}

	/**
	 * Deletes on the server what was deleted here (freeing quota first), then uploads every
	 * pending blob, oldest first. Throws the first failure that retries could not get past.
	 */
	async uploadPending(onProgress?: (progress: UploadProgress) => void): Promise<UploadProgress> {
		for (const sha256 of await this.#store.pendingDeletions()) {
			await this.#request('DELETE', sha256).catch((error: unknown) => {
				if (!(error instanceof BlobError && error.code === 'not_found')) throw error;
			});
			await this.#store.forgetDeletion(sha256);
		}
		const pending = await this.#store.pending();
		const bytesTotal = pending.reduce((sum, blob) => sum + blob.size, 0);
		const progress: UploadProgress = { done: 0, total: pending.length, bytesDone: 0, bytesTotal };
		onProgress?.({ ...progress });
		for (const { sha256, size } of pending) {
			const bytes = await this.#store.get(sha256);
			// Deleted since the list was read: nothing to send.
			if (bytes) {
				await this.#request('PUT', sha256, { body: bytes });
				await this.#store.markUploaded(sha256);
			}
			progress.done++;
			progress.bytesDone += size;
			onProgress?.({ ...progress });
		}
		return progress;
	}

	/** The blob from this device, or else downloaded, verified and kept (offline afterwards). */
	fetch(sha256: string): Promise<Uint8Array> {
		let download = this.#downloads.get(sha256);
		if (!download) {
			download = this.#download(sha256).finally(() => this.#downloads.delete(sha256));
			this.#downloads.set(sha256, download);
		}
		return download;
	}

	/** Cancels every request and wait; they fail with `stopped` (e.g. on sign-out). */
	stop(): void {
		this.#abort.abort();
	}

	async #download(sha256: string): Promise<Uint8Array> {
		const local = await this.#store.get(sha256);
		if (local) return local;
		const read = async (res: Response) => new Uint8Array(await res.arrayBuffer());
		const bytes = await this.#request('GET', sha256, { read });
		if ((await sha256Hex(bytes)) !== sha256)
			throw new BlobError('corrupt', 'The downloaded file does not match its sha256.');
		await this.#store.put(bytes, { uploaded: true });
		return bytes;
	}

	/**
	 * One request, tried again after a failure that may pass. `read` takes the answer's body
	 * within the same attempt: a connection dropped halfway through a download is retried too.
	 */
	async #request<T = void>(
		method: string,
		sha256: string,
		{ body, read }: { body?: Uint8Array; read?: (res: Response) => Promise<T> } = {}
	): Promise<T> {
		const url = `${this.#baseUrl}${BLOBS_PATH}/${checkSha256(sha256)}`;
		const headers = body ? { 'Content-Type': 'application/octet-stream' } : undefined;
		const { signal } = this.#abort;
		const send = this.#fetch;
		for (let attempt = 1; ; attempt++) {
			if (signal.aborted) throw stopped();
			let failure: BlobError;
			let delayMs = this.#backoff(attempt);
			try {
				const res = await send(url, {
					method,
					headers,
					body: body as BodyInit | undefined,
					credentials: 'same-origin',
					signal
				});
				if (res.ok) return (await read?.(res)) as T;
				failure = await errorOf(res);
				if (!isTransient(res.status)) throw failure;
				delayMs = retryAfterMs(res) ?? delayMs;
			} catch (error) {
				if (signal.aborted) throw stopped();
				if (error instanceof BlobError) throw error;
				failure = new BlobError('network', 'The server cannot be reached. Are you offline?');
			}
			if (attempt >= this.#retry.attempts) throw failure;
			await this.#wait(delayMs);
		}
	}

	/** Exponential, with jitter so many devices coming back online do not retry in step. */
	#backoff(attempt: number): number {
		const { baseDelayMs, maxDelayMs } = this.#retry;
		const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
		return ceiling / 2 + (Math.random() * ceiling) / 2;
	}

	#wait(ms: number): Promise<void> {
		const { signal } = this.#abort;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(resolve, ms);
			signal.addEventListener('abort', () => (clearTimeout(timer), reject(stopped())), {
				once: true
			});
		});
	}
}

const stopped = () => new BlobError('stopped', 'Blob sync stopped.');

/** Overloaded, briefly unavailable or asked to slow down: the same request may pass later. */
function isTransient(status: number): boolean {
	return status === 408 || status === 429 || status >= 500;
}

/** The server's rate limiter knows its window better than any backoff; within reason. */
function retryAfterMs(res: Response): number | null {
	const seconds = Number(res.headers.get('Retry-After') ?? NaN);
	return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), 600) * 1000 : null;
}

/** The server's answer as a typed error, its own message kept (a quota names its size). */
async function errorOf(res: Response): Promise<BlobError> {
	const parsed = v.safeParse(ServerErrorSchema, await res.json().catch(() => null));
	const sent = parsed.success ? parsed.output.error : null;
	const message = sent?.message ?? `The server answered ${res.status}.`;
	switch (res.status) {
		case 400:
			return new BlobError('rejected', message);
		case 401:
			return new BlobError('unauthenticated', message);
		case 403:
			return new BlobError('forbidden', message);
		case 404:
			return new BlobError('not_found', message);
		case 413:
			return new BlobError(
				sent?.code === ('quota_exceeded' satisfies ErrorCode) ? 'quota_exceeded' : 'too_large',
				message
			);
		case 429:
			return new BlobError('rate_limited', message);
		default:
			return new BlobError('server', message);
	}
}
