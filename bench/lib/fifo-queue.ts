import type { JobQueue, Ticket } from '../../server/ai/fair-queue';

/** The pool's queue before the fair one: first come, first served, bounded in all. */
export class FifoQueue<T> implements JobQueue<T> {
	#items: T[] = [];

	constructor(private readonly capacity: number) {}

	get size(): number {
		return this.#items.length;
	}

	push(item: T, _ticket: Ticket): boolean {
		if (this.#items.length >= this.capacity) return false;
		this.#items.push(item);
		return true;
	}

	shift(): T | undefined {
		return this.#items.shift();
	}

	drain(): T[] {
		return this.#items.splice(0);
	}
}
