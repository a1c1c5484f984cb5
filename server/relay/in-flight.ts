import type { Document } from '@hocuspocus/server';
import { performance } from 'node:perf_hooks';

/** An update that passed the guard is applied within milliseconds, or not at all. */
const FORGET_AFTER_MS = 1000;

/**
 * Updates that passed the message guard but that Hocuspocus has not applied yet, per document.
 * Hocuspocus 3.4 handles a socket's messages concurrently and applies each only after the
 * persistence hook's group commit, so the guard may check an update against a document that
 * misses the ones before it. Each applied update (a transaction from a connection) retires the
 * oldest entry; one that was refused later never applies and is forgotten after a while.
 */
export class InFlight {
	readonly #entries = new WeakMap<Document, { items: number; at: number }[]>();
	readonly #waiters = new WeakMap<Document, (() => void)[]>();

	add(document: Document, items: number): void {
		const entries = this.#entries.get(document) ?? [];
		entries.push({ items, at: performance.now() });
		this.#entries.set(document, entries);
	}

	/** Items that will be in the document before an update checked now applies. */
	items(document: Document): number {
		const entries = this.#entries.get(document);
		if (!entries) return 0;
		const cutoff = performance.now() - FORGET_AFTER_MS;
		while (entries.length > 0 && entries[0].at < cutoff) entries.shift();
		return entries.reduce((sum, entry) => sum + entry.items, 0);
	}

	applied(document: Document): void {
		this.#entries.get(document)?.shift();
		const waiters = this.#waiters.get(document) ?? [];
		this.#waiters.delete(document);
		for (const wake of waiters) wake();
	}

	/** Resolves when the document's next update applies, or after `timeoutMs`. */
	next(document: Document, timeoutMs: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(resolve, timeoutMs);
			const waiters = this.#waiters.get(document) ?? [];
			waiters.push(() => {
				clearTimeout(timer);
				resolve();
			});
			this.#waiters.set(document, waiters);
		});
	}
}
