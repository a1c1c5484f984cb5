/**
 * Failed sign-ins, counted per client address and username together: a stranger elsewhere
 * cannot lock a person out by guessing at their username. A username guessed at from many
 * addresses is slowed down instead (each source waits `hotSpacingMs` between tries), so even a
 * distributed attack never locks its owner out for longer than that spacing.
 */
export interface LoginThrottleLimits {
	/** Failures one address may make for one username per window. */
	perSource: number;
	windowMs: number;
	/** Failures for one username, from everywhere, before every source is slowed down. */
	hotAfter: number;
	hotSpacingMs: number;
}

interface Window {
	start: number;
	failures: number;
	lastFailureAt: number;
}

const MAX_TRACKED = 10_000;

export class LoginThrottle {
	#bySource = new Map<string, Window>();
	#byUsername = new Map<string, Window>();

	constructor(private readonly limits: LoginThrottleLimits) {}

	/** Milliseconds this source must wait before trying this username again; 0 to go ahead. */
	waitMs(address: string, username: string, now = Date.now()): number {
		const source = this.#live(this.#bySource, sourceKey(address, username), now);
		if (!source) return 0;
		const { perSource, windowMs, hotAfter, hotSpacingMs } = this.limits;
		if (source.failures >= perSource) return source.start + windowMs - now;
		const everywhere = this.#live(this.#byUsername, username, now);
		if (!everywhere || everywhere.failures < hotAfter) return 0;
		return Math.max(0, source.lastFailureAt + hotSpacingMs - now);
	}

	failed(address: string, username: string, now = Date.now()): void {
		this.#count(this.#bySource, sourceKey(address, username), now);
		this.#count(this.#byUsername, username, now);
	}

	/** The person is in: their address starts afresh (the username's total stays). */
	succeeded(address: string, username: string): void {
		this.#bySource.delete(sourceKey(address, username));
	}

	#live(windows: Map<string, Window>, key: string, now: number): Window | undefined {
		const window = windows.get(key);
		if (window && now - window.start < this.limits.windowMs) return window;
		windows.delete(key);
		return undefined;
	}

	#count(windows: Map<string, Window>, key: string, now: number): void {
		const window = this.#live(windows, key, now);
		if (window) {
			window.failures++;
			window.lastFailureAt = now;
			return;
		}
		if (windows.size >= MAX_TRACKED) this.#prune(windows, now);
		windows.set(key, { start: now, failures: 1, lastFailureAt: now });
	}

	/**
	 * Keeps memory bounded under a flood of distinct addresses or usernames: expired windows go,
	 * then, while still full, the oldest (a Map keeps insertion order), so each prune frees room
	 * for many more before the next.
	 */
	#prune(windows: Map<string, Window>, now: number): void {
		for (const [key, window] of windows) {
			if (now - window.start >= this.limits.windowMs) windows.delete(key);
		}
		for (const key of windows.keys()) {
			if (windows.size < MAX_TRACKED * 0.9) break;
			windows.delete(key);
		}
	}
}

function sourceKey(address: string, username: string): string {
	return `${address}\n${username}`;
}
