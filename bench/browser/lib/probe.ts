import type { BrowserContext, Page } from 'playwright-core';

/**
 * An init script that times what a person sees, in the page itself, relative to navigation start
 * (performance.timeOrigin): the first item of a list painted, a query typed right after it and
 * its first result painted, and optionally the moment a status and a summary line both read as
 * expected. "Painted" is the first task after the next animation frame, i.e. after the frame
 * that showed the element was produced.
 */
export interface ProbeOptions {
	/** aria-label of the list whose first item counts as the first paint. */
	list: string;
	/** Typed into the searchbox "Search thoughts" as soon as the first item is painted. */
	query: string | null;
	/** Both must read exactly so at once: the Sync status element and a paragraph in <main>. */
	done: { status: string; summary: string } | null;
}

export interface ProbeMarks {
	firstItem?: number;
	firstPaint?: number;
	typed?: number;
	resultPaint?: number;
	done?: number;
	domContentLoaded?: number;
	isControlled?: boolean;
}

declare global {
	interface Window {
		__benchMarks?: ProbeMarks;
	}
}

/** Runs in the page before any of its scripts (serialised by Playwright: no closures). */
function install(options: ProbeOptions): void {
	const marks: ProbeMarks = {};
	window.__benchMarks = marks;
	// Marks land in a timer, not a mutation: check again once one has (the query waits on it).
	const requested = new Set<string>();
	const afterPaint = (name: 'firstPaint' | 'resultPaint' | 'done') =>
		!requested.has(name) &&
		requested.add(name) &&
		requestAnimationFrame(() =>
			setTimeout(() => {
				marks[name] ??= performance.now();
				check();
			}, 0)
		);
	const text = (element: Element | null) => element?.textContent?.trim() ?? '';
	const typeQuery = (query: string) => {
		const box = document.querySelector<HTMLInputElement>('input[aria-label="Search thoughts"]');
		if (!box) return false;
		marks.typed = performance.now();
		box.value = query;
		box.dispatchEvent(new Event('input', { bubbles: true }));
		return true;
	};
	let isTyped = false;
	function check(): void {
		if (marks.firstItem === undefined) {
			if (document.querySelector(`ul[aria-label="${options.list}"] > li`)) {
				marks.firstItem = performance.now();
				marks.isControlled = !!navigator.serviceWorker?.controller;
				afterPaint('firstPaint');
			}
		}
		if (options.query && marks.firstPaint !== undefined && !isTyped) {
			isTyped = typeQuery(options.query);
		}
		if (isTyped && document.querySelector('ul[aria-label="Search results"] > li')) {
			afterPaint('resultPaint');
		}
		if (options.done && marks.done === undefined) {
			const status = text(document.querySelector('[role="status"][aria-label="Sync status"]'));
			const summary = [...document.querySelectorAll('main p')].some(
				(p) => text(p) === options.done?.summary
			);
			if (status === options.done.status && summary) afterPaint('done');
		}
	}
	new MutationObserver(check).observe(document, {
		childList: true,
		subtree: true,
		characterData: true
	});
	addEventListener('DOMContentLoaded', () => (marks.domContentLoaded = performance.now()));
}

export async function addProbe(context: BrowserContext, options: ProbeOptions): Promise<void> {
	// tsx compiles with esbuild's keepNames, which wraps named functions in a `__name` helper that
	// the page does not have: define it before the serialised function.
	const content = `var __name = (fn) => fn; (${install.toString()})(${JSON.stringify(options)});`;
	await context.addInitScript({ content });
}

/** Waits until the named mark is set, then returns all marks. */
export async function waitForMark(
	page: Page,
	name: keyof ProbeMarks,
	timeoutMs: number
): Promise<ProbeMarks> {
	await page.waitForFunction((name) => window.__benchMarks?.[name] !== undefined, name, {
		timeout: timeoutMs,
		polling: 50
	});
	return page.evaluate(() => ({ ...window.__benchMarks }));
}
