/**
 * Fixed-window counters in memory (one process, so no shared store is needed). `take` returns
 * false once a key has used its allowance for the current window.
 */
export class RateLimiter {
	#windows = new Map<string, { start: number; count: number }>();

	constructor(
		private readonly max: number,
		private readonly windowMs: number
	) {}

	take(key: string, now = Date.now()): boolean {
		const window = this.#windows.get(key);
		if (!window || now - window.start >= this.windowMs) {
			this.#windows.set(key, { start: now, count: 1 });
			this.#prune(now);
			return true;
		}
		window.count++;
		return window.count <= this.max;
	}

	reset(key: string): void {
		this.#windows.delete(key);
	}

	/** Keeps memory bounded under a flood of distinct keys. */
	#prune(now: number): void {
		if (this.#windows.size < 10_000) return;
		for (const [key, window] of this.#windows) {
			if (now - window.start >= this.windowMs) this.#windows.delete(key);
		}
	}
}
