import type { BrowserContext, Page } from 'playwright-core';

/**
 * An init script for the indexing bench (cheap enough for timed rounds: counters only). In page
 * time it marks the first request on the `vectorBlocks` store of the view database (the semantic
 * index's catch-up starts by reading the stored vectors), when the first embedding job is posted to
 * the AI worker, and when the vector entries in committed writes to `vectorBlocks` reach the
 * target: "indexed" means embedded and durable in IndexedDB. It also counts jobs and write
 * transactions.
 */
export interface IndexMarks {
	start?: number;
	firstJob?: number;
	indexed?: number;
	committed: number;
	jobs: number;
	writeTransactions: number;
}

declare global {
	interface Window {
		__indexMarks?: IndexMarks;
	}
}

function install({ database, target }: { database: string; target: number }): void {
	const marks: IndexMarks = { committed: 0, jobs: 0, writeTransactions: 0 };
	window.__indexMarks = marks;
	// Requests, not transactions: Dexie opens one over every store to read the schema.
	const storeOf = (source: IDBObjectStore | IDBIndex) =>
		source instanceof IDBIndex ? source.objectStore : source;
	for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype] as unknown as Record<
		string,
		unknown
	>[]) {
		for (const method of ['get', 'getAll', 'getAllKeys', 'count', 'openCursor', 'openKeyCursor']) {
			const original = proto[method] as (...args: unknown[]) => IDBRequest;
			proto[method] = function (this: IDBObjectStore | IDBIndex, ...args: unknown[]) {
				const store = storeOf(this);
				if (store.name === 'vectorBlocks' && store.transaction.db.name === database) {
					marks.start ??= performance.now();
				}
				return original.apply(this, args);
			};
		}
	}

	// Entries written per transaction: a block holds `size` of them.
	const entries = new WeakMap<IDBTransaction, number>();
	const proto = IDBObjectStore.prototype as unknown as Record<string, unknown>;
	for (const method of ['add', 'put']) {
		const original = proto[method] as (...args: unknown[]) => IDBRequest;
		proto[method] = function (this: IDBObjectStore, value: unknown, ...rest: unknown[]) {
			const tx = this.transaction;
			if (this.name === 'vectorBlocks' && tx.db.name === database) {
				if (!entries.has(tx)) {
					marks.writeTransactions++;
					tx.addEventListener('complete', () => {
						marks.committed += entries.get(tx) ?? 0;
						if (marks.committed >= target) marks.indexed ??= performance.now();
					});
				}
				entries.set(tx, (entries.get(tx) ?? 0) + (value as { size: number }).size);
			}
			return original.call(this, value, ...rest);
		};
	}

	const postMessage = Worker.prototype.postMessage;
	Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
		if ((message as { type?: string } | null)?.type === 'embed') {
			marks.jobs++;
			marks.firstJob ??= performance.now();
		}
		return (postMessage as (...a: unknown[]) => void).call(this, message, ...rest);
	};
}

export async function addIndexProbe(
	context: BrowserContext,
	options: { database: string; target: number }
): Promise<void> {
	// See probe.ts for the __name shim.
	const content = `var __name = (fn) => fn; (${install.toString()})(${JSON.stringify(options)});`;
	await context.addInitScript({ content });
}

export async function waitForIndexed(page: Page, timeoutMs: number): Promise<IndexMarks> {
	await page.waitForFunction(() => window.__indexMarks?.indexed !== undefined, null, {
		timeout: timeoutMs,
		polling: 100
	});
	return page.evaluate(() => ({ ...window.__indexMarks! }));
}
