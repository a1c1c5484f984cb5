/** What a lookup found, and what it pushed out to make room. */
export type CacheEvent = 'hit' | 'miss' | 'load' | 'eviction';

/**
 * Least recently used entries, bounded by their total size in bytes rather than their number:
 * one large model may push out several small ones. An entry larger than the whole budget is
 * still kept (alone), so every model that passed the size cap can run.
 */
export class ByteLru<V> {
	#entries = new Map<string, { value: V; bytes: number }>();
	#bytes = 0;

	constructor(
		private readonly capacityBytes: number,
		private readonly onEvict: (value: V, key: string) => void = () => {}
	) {}

	get bytes(): number {
		return this.#bytes;
	}

	get size(): number {
		return this.#entries.size;
	}

	/** The value, now the most recently used; undefined when it is not held. */
	get(key: string): V | undefined {
		const entry = this.#entries.get(key);
		if (!entry) return undefined;
		this.#entries.delete(key);
		this.#entries.set(key, entry);
		return entry.value;
	}

	/** Holds the value as the most recently used; returns how many entries it pushed out. */
	set(key: string, value: V, bytes: number): number {
		this.delete(key);
		let evicted = 0;
		for (const [oldest, entry] of this.#entries) {
			if (this.#bytes + bytes <= this.capacityBytes) break;
			this.#remove(oldest, entry);
			evicted++;
		}
		this.#entries.set(key, { value, bytes });
		this.#bytes += bytes;
		return evicted;
	}

	delete(key: string): boolean {
		const entry = this.#entries.get(key);
		if (entry) this.#remove(key, entry);
		return !!entry;
	}

	#remove(key: string, entry: { value: V; bytes: number }): void {
		this.#entries.delete(key);
		this.#bytes -= entry.bytes;
		this.onEvict(entry.value, key);
	}
}
