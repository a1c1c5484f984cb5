/**
 * Runs tasks for the same key one after another (tasks for other keys run freely), so a blob's
 * file and row change together: a delete cannot unlink the file a concurrent upload just put in
 * place, and two uploads of one blob store it once.
 */
export class KeyedLock {
	readonly #tails = new Map<string, Promise<void>>();

	async run<T>(key: string, task: () => Promise<T>): Promise<T> {
		const previous = this.#tails.get(key);
		let release!: () => void;
		const tail = new Promise<void>((resolve) => (release = resolve));
		this.#tails.set(key, tail);
		await previous;
		try {
			return await task();
		} finally {
			release();
			if (this.#tails.get(key) === tail) this.#tails.delete(key);
		}
	}
}
