import { ApiRequestError, api } from '$lib/app/api';
import { handleError } from '$lib/app/handle-error';
import { IDEMPOTENCY_HEADER } from '$sync/protocol/social';
import { OutboxDb, type OutboxAction } from './outbox-store';

const RETRY_MS = 15_000;

/**
 * Likes, follows and replies go through here: stored in IndexedDB first, then sent in order,
 * each with its idempotency key. Offline, or when the server cannot be reached, they wait and
 * replay when the device is back; a retry after an interrupted send is applied once.
 */
export class Outbox {
	pending = $state(0);
	#db: OutboxDb;
	#flushing: Promise<void> | null = null;
	#timer: ReturnType<typeof setInterval> | undefined;
	readonly #onOnline = () => void this.flush();

	constructor(userId: string) {
		this.#db = new OutboxDb(userId);
		void this.#count();
		window.addEventListener('online', this.#onOnline);
		this.#timer = setInterval(() => void this.flush(), RETRY_MS);
		void this.flush();
	}

	async add(action: Omit<OutboxAction, 'key' | 'createdAt' | 'seq'>): Promise<void> {
		await this.#db.actions.add({ ...action, key: newKey(), createdAt: Date.now() });
		await this.#count();
		void this.flush();
	}

	/** Sends what waits, oldest first; stops at the first one the network refuses. */
	flush(): Promise<void> {
		this.#flushing ??= this.#send().finally(() => (this.#flushing = null));
		return this.#flushing;
	}

	close(): void {
		window.removeEventListener('online', this.#onOnline);
		clearInterval(this.#timer);
		this.#db.close();
	}

	async #send(): Promise<void> {
		for (;;) {
			const next = await this.#db.actions.orderBy('seq').first();
			if (!next) return;
			try {
				await api(next.path, {
					method: next.method,
					body: next.body,
					headers: { [IDEMPOTENCY_HEADER]: next.key }
				});
			} catch (error) {
				const retry =
					error instanceof ApiRequestError &&
					(error.code === 'network' || error.status === 429 || error.status >= 500);
				if (retry) return;
				// Refused for good (deleted post, blocked, signed out): tell, and move on.
				handleError(error, `Could not send “${next.label}”`);
			}
			await this.#db.actions.delete(next.seq!);
			await this.#count();
		}
	}

	async #count(): Promise<void> {
		this.pending = await this.#db.actions.count();
	}
}

function newKey(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(18));
	return btoa(String.fromCharCode(...bytes))
		.replaceAll('+', '-')
		.replaceAll('/', '_');
}
