import webpush, { type RequestOptions, type SendResult } from 'web-push';
import type { StoredSubscription } from '../db/push.repository';

/** `webpush.sendNotification`'s shape: tests put a stub or a trusting agent in its place. */
export type PushSender = (
	subscription: StoredSubscription,
	payload: string,
	options: RequestOptions
) => Promise<SendResult>;

export interface PushQueueOptions {
	/** Requests to push services in flight at once. */
	concurrency: number;
	/** Jobs waiting to be sent or retried; past this the oldest is dropped. */
	maxQueued: number;
	/** Tries per message, the first included, for network errors, 429 and 5xx. */
	attempts: number;
	/** Wait before the second try; each later try waits four times longer. */
	backoffMs: number;
	/** Gives up on one request after this long, so a stalled push service frees its slot. */
	deadlineMs: number;
}

export const DEFAULT_PUSH_QUEUE: PushQueueOptions = {
	concurrency: 4,
	maxQueued: 1000,
	attempts: 3,
	backoffMs: 1000,
	deadlineMs: 15_000
};

/** How one try ended, as counted in t10x_push_messages_total. */
export type PushOutcome = 'sent' | 'retried' | 'gone' | 'failed' | 'dropped';

export interface PushJob {
	subscription: StoredSubscription;
	payload: string;
	options: RequestOptions;
}

export interface PushQueueEvents {
	outcome(outcome: PushOutcome, job: PushJob): void;
	/** The push service no longer knows the subscription (404/410): the device unsubscribed. */
	gone(endpoint: string): void;
}

const MAX_RETRY_AFTER_MS = 60_000;

/**
 * A bounded in-process queue of Web Push requests with retries. Nothing survives a restart:
 * a push is a nudge, the in-app list is the record.
 */
export class PushQueue {
	#waiting: { job: PushJob; attempt: number }[] = [];
	#retryTimers = new Set<NodeJS.Timeout>();
	#sending = 0;
	#idle: (() => void)[] = [];
	#closed = false;
	#isPumpScheduled = false;

	constructor(
		private readonly events: PushQueueEvents,
		private readonly options: PushQueueOptions = DEFAULT_PUSH_QUEUE,
		private readonly send: PushSender = webpush.sendNotification
	) {}

	get length(): number {
		return this.#waiting.length + this.#retryTimers.size;
	}

	add(job: PushJob): void {
		this.#enqueue(job, 1);
	}

	/** Resolves once nothing is waiting, sending or due for a retry. */
	settled(): Promise<void> {
		if (this.#isIdle()) return Promise.resolve();
		return new Promise((resolve) => this.#idle.push(resolve));
	}

	/** Drops everything still queued; requests in flight finish on their own. */
	close(): void {
		this.#closed = true;
		for (const timer of this.#retryTimers) clearTimeout(timer);
		this.#retryTimers.clear();
		this.#waiting = [];
		this.#checkIdle();
	}

	#enqueue(job: PushJob, attempt: number): void {
		if (this.#closed) return;
		if (this.length >= this.options.maxQueued && this.#waiting.length > 0) {
			this.events.outcome('dropped', this.#waiting.shift()!.job);
		} else if (this.length >= this.options.maxQueued) {
			return this.events.outcome('dropped', job);
		}
		this.#waiting.push({ job, attempt });
		this.#schedulePump();
	}

	/** Encryption and sending start on a later turn: never inside the caller's request. */
	#schedulePump(): void {
		if (this.#isPumpScheduled) return;
		this.#isPumpScheduled = true;
		setImmediate(() => {
			this.#isPumpScheduled = false;
			this.#pump();
		});
	}

	#pump(): void {
		while (this.#sending < this.options.concurrency && this.#waiting.length > 0) {
			const next = this.#waiting.shift()!;
			this.#sending++;
			void this.#try(next.job, next.attempt).finally(() => {
				this.#sending--;
				this.#pump();
				this.#checkIdle();
			});
		}
	}

	async #try(job: PushJob, attempt: number): Promise<void> {
		try {
			await this.#sendWithDeadline(job);
			this.events.outcome('sent', job);
		} catch (error) {
			const verdict = classify(error);
			if (verdict === 'gone') {
				this.events.outcome('gone', job);
				this.events.gone(job.subscription.endpoint);
			} else if (verdict === 'retry' && attempt < this.options.attempts) {
				this.events.outcome('retried', job);
				this.#retryLater(job, attempt + 1, retryAfterMs(error) ?? this.#backoff(attempt));
			} else {
				console.warn(`Push to ${new URL(job.subscription.endpoint).host} failed`, describe(error));
				this.events.outcome('failed', job);
			}
		}
	}

	async #sendWithDeadline(job: PushJob): Promise<void> {
		let timer: NodeJS.Timeout | undefined;
		const deadline = new Promise<never>((_, reject) => {
			timer = setTimeout(
				() => reject(new DeadlineError('The push service did not answer in time')),
				this.options.deadlineMs
			);
		});
		try {
			await Promise.race([this.send(job.subscription, job.payload, job.options), deadline]);
		} finally {
			clearTimeout(timer);
		}
	}

	#retryLater(job: PushJob, attempt: number, delayMs: number): void {
		const timer = setTimeout(() => {
			this.#retryTimers.delete(timer);
			this.#enqueue(job, attempt);
			this.#checkIdle();
		}, delayMs);
		// A retry must not keep a stopping server alive.
		timer.unref();
		this.#retryTimers.add(timer);
	}

	#backoff(attempt: number): number {
		return this.options.backoffMs * 4 ** (attempt - 1);
	}

	#isIdle(): boolean {
		return this.#sending === 0 && this.length === 0 && !this.#isPumpScheduled;
	}

	#checkIdle(): void {
		if (!this.#isIdle()) return;
		for (const resolve of this.#idle.splice(0)) resolve();
	}
}

class DeadlineError extends Error {
	readonly code = 'ETIMEDOUT';
}

/** 404/410: gone for good. 429, 5xx and network errors: worth another try. Anything else: not. */
function classify(error: unknown): 'gone' | 'retry' | 'fail' {
	if (error instanceof webpush.WebPushError) {
		if (error.statusCode === 404 || error.statusCode === 410) return 'gone';
		if (error.statusCode === 429 || error.statusCode >= 500) return 'retry';
		return 'fail';
	}
	// Node's socket errors carry a code (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EAI_AGAIN, ...);
	// web-push's own argument errors do not, and would fail the same way again.
	const code = (error as { code?: unknown } | null)?.code;
	if (typeof code === 'string') return 'retry';
	return error instanceof Error && error.message === 'Socket timeout' ? 'retry' : 'fail';
}

function retryAfterMs(error: unknown): number | undefined {
	if (!(error instanceof webpush.WebPushError) || error.statusCode !== 429) return undefined;
	const seconds = Number(error.headers?.['retry-after']);
	if (!Number.isFinite(seconds) || seconds < 0) return undefined;
	return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
}

function describe(error: unknown): string {
	if (error instanceof webpush.WebPushError) return `HTTP ${error.statusCode}`;
	return error instanceof Error ? error.message : String(error);
}
