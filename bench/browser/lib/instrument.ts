import type { BrowserContext, Page } from 'playwright-core';

/**
 * Profiling only (profile-cold-start.ts), never in timed rounds: an init script that timestamps,
 * in page time, every IndexedDB request (open → last success), AI worker jobs (post → reply),
 * WebSocket messages received, changes of the search and sync status lines, and long tasks. It also runs a named busy loop first, so a
 * CDP CPU profile can be aligned with page time.
 */
export interface TraceEvent {
	what: string;
	start: number;
	end: number;
	/** Rows returned (getAll, cursors), texts sent (worker jobs) or bytes (WebSocket). */
	n: number;
}

export interface PageTrace {
	clockSync: number;
	events: TraceEvent[];
}

declare global {
	interface Window {
		__benchTrace?: PageTrace;
	}
}

const IDB_METHODS = ['get', 'getAll', 'getAllKeys', 'count', 'openCursor', 'openKeyCursor'];
const IDB_WRITES = ['put', 'add', 'delete', 'clear'];

function install(methods: string[]): void {
	function benchClockSync(): number {
		const start = performance.now();
		while (performance.now() - start < 5) {
			// Busy on purpose: this function's samples mark a known page time in the CPU profile.
		}
		return start;
	}
	const trace: PageTrace = { clockSync: benchClockSync(), events: [] };
	window.__benchTrace = trace;
	const begin = (what: string, n = 0): TraceEvent => {
		const event = { what, start: performance.now(), end: NaN, n };
		trace.events.push(event);
		return event;
	};

	type Source = IDBObjectStore | IDBIndex;
	const nameOf = (source: Source) =>
		source instanceof IDBIndex
			? `${source.objectStore.transaction.db.name} ${source.objectStore.name}[${source.name}]`
			: `${source.transaction.db.name} ${source.name}`;
	for (const proto of [IDBObjectStore.prototype, IDBIndex.prototype] as unknown as Record<
		string,
		unknown
	>[]) {
		for (const method of methods) {
			const original = proto[method];
			if (typeof original !== 'function') continue;
			proto[method] = function (this: Source, ...args: unknown[]) {
				const request = (original as (...a: unknown[]) => IDBRequest).apply(this, args);
				const event = begin(`idb ${method} ${nameOf(this)}`);
				request.addEventListener('success', () => {
					event.end = performance.now();
					const result: unknown = request.result;
					if (Array.isArray(result)) event.n = result.length;
					else if (result instanceof IDBCursor) event.n++;
				});
				request.addEventListener('error', () => (event.end = performance.now()));
				return request;
			};
		}
	}

	const NativeWorker = window.Worker;
	window.Worker = class extends NativeWorker {
		#jobs = new Map<number, TraceEvent>();
		constructor(url: string | URL, options?: WorkerOptions) {
			super(url, options);
			const created = begin(`worker created ${String(url).split('/').at(-1)}`);
			created.end = created.start;
			this.addEventListener('message', (message: MessageEvent) => {
				const job = this.#jobs.get(message.data?.jobId);
				if (job) job.end = performance.now();
			});
		}
		postMessage(message: unknown, transfer?: Transferable[] | StructuredSerializeOptions): void {
			const data = message as { type?: string; jobId?: number; texts?: unknown[] };
			if (data?.type === 'embed' && typeof data.jobId === 'number') {
				this.#jobs.set(data.jobId, begin('ai worker embed job', data.texts?.length ?? 0));
			}
			super.postMessage(message, transfer as StructuredSerializeOptions);
		}
	};

	const NativeSocket = window.WebSocket;
	window.WebSocket = class extends NativeSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols);
			this.addEventListener('message', (message: MessageEvent) => {
				const event = begin('websocket message received');
				event.end = event.start;
				event.n = message.data instanceof ArrayBuffer ? message.data.byteLength : 0;
				if (message.data instanceof Blob) event.n = message.data.size;
			});
		}
	};

	const lastText = new Map<string, string>();
	const watchText = (selector: string, label: string) => {
		const text = document.querySelector(selector)?.textContent?.trim() ?? '';
		if (text === (lastText.get(selector) ?? '')) return;
		lastText.set(selector, text);
		const event = begin(`${label} "${text}"`);
		event.end = event.start;
	};
	new MutationObserver(() => {
		watchText('main p[role="status"]', 'search status');
		watchText('[role="status"][aria-label="Sync status"]', 'sync status');
	}).observe(document, { childList: true, subtree: true, characterData: true });

	new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) {
			trace.events.push({
				what: 'long task',
				start: entry.startTime,
				end: entry.startTime + entry.duration,
				n: 0
			});
		}
	}).observe({ type: 'longtask', buffered: true });
}

export async function addInstrumentation(context: BrowserContext): Promise<void> {
	// See probe.ts for the __name shim.
	const content = `var __name = (fn) => fn; (${install.toString()})(${JSON.stringify([...IDB_METHODS, ...IDB_WRITES])});`;
	await context.addInitScript({ content });
}

export async function readTrace(page: Page): Promise<PageTrace> {
	const trace = await page.evaluate(() => window.__benchTrace);
	if (!trace) throw new Error('the instrumentation did not run');
	return trace;
}
