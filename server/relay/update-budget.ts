import { Connection, type Document } from '@hocuspocus/server';
import { performance } from 'node:perf_hooks';

/** How much of the relay's CPU one user's document updates may take. */
export interface CpuLimits {
	/** Milliseconds of apply time per second a user earns, sustained. */
	cpuMsPerSecond: number;
	/** Milliseconds a user may spend at once (a new device's first sync, an import). */
	cpuBurstMs: number;
}

const SWEEP_AT = 10_000;

/**
 * Token buckets by key (a user id): `rate` units per second up to `burst`. A bucket that has
 * refilled is dropped, so the map holds only users who spent something recently.
 */
export class TokenBuckets {
	readonly #buckets = new Map<string, { tokens: number; at: number }>();
	#sweepAt = SWEEP_AT;

	constructor(
		private readonly burst: number,
		private readonly rate: number,
		private readonly now: () => number = () => performance.now()
	) {}

	/** True while the key has anything left to spend. */
	has(key: string): boolean {
		return this.#refill(key) > 0;
	}

	spend(key: string, amount: number): void {
		const at = this.now();
		this.#buckets.set(key, { tokens: this.#refill(key) - amount, at });
		// Users who spent once and left would stay: drop the refilled ones as the map doubles.
		if (this.#buckets.size > this.#sweepAt) {
			for (const other of [...this.#buckets.keys()]) this.#refill(other);
			this.#sweepAt = Math.max(SWEEP_AT, this.#buckets.size * 2);
		}
	}

	#refill(key: string): number {
		const bucket = this.#buckets.get(key);
		if (!bucket) return this.burst;
		const tokens = Math.min(
			this.burst,
			bucket.tokens + ((this.now() - bucket.at) / 1000) * this.rate
		);
		if (tokens >= this.burst) this.#buckets.delete(key);
		return tokens;
	}
}

/** The user a relay connection belongs to (set by the upgrade handler's socket context). */
export function userOf(connection: Connection): string {
	const { userId } = connection.context as { userId?: unknown };
	return typeof userId === 'string' ? userId : connection.socketId;
}

/**
 * Charges the time Hocuspocus spends applying a connection's update to `document` (integration,
 * observers, the log append and the broadcast all run inside the transaction) to that user.
 */
export function chargeApplies(
	document: Document,
	budget: TokenBuckets,
	onApplied: () => void
): void {
	let started = 0;
	document.on('beforeTransaction', (transaction: { origin: unknown }) => {
		if (transaction.origin instanceof Connection) started = performance.now();
	});
	document.on('afterTransactionCleanup', (transaction: { origin: unknown }) => {
		if (!(transaction.origin instanceof Connection)) return;
		budget.spend(userOf(transaction.origin), performance.now() - started);
		onApplied();
	});
}
