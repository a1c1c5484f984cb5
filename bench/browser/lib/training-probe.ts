import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/**
 * An init script for the training bench (counters only, cheap enough for timed rounds). In page
 * time it marks the click on "Train tag model", the job posted to the training worker (a message
 * carrying the examples: `x`, `y`, `heldOut`), each epoch it reports, its answer, and the notice
 * that ends the run. It also times every keystroke in the capture box ("New thought") from the
 * event's timestamp (when the browser received it, so time queued behind a busy main thread
 * counts) to the first task after the next animation frame, i.e. after the frame that showed it.
 */
export interface TrainingMarks {
	click?: number;
	posted?: number;
	examples?: number;
	labels?: number;
	firstEpoch?: number;
	lastEpoch?: number;
	epochs: number;
	trained?: number;
	failed?: string;
	outcome?: number;
	notice?: string;
	keys: { at: number; ms: number }[];
	isRecording: boolean;
}

declare global {
	interface Window {
		__trainingMarks?: TrainingMarks;
	}
}

function install(): void {
	const marks: TrainingMarks = { epochs: 0, keys: [], isRecording: false };
	window.__trainingMarks = marks;

	addEventListener(
		'click',
		(event) => {
			const button = (event.target as Element | null)?.closest?.('button');
			if (button?.textContent?.trim() === 'Train tag model') marks.click = performance.now();
		},
		true
	);
	addEventListener(
		'keydown',
		(event) => {
			const target = event.target as Element | null;
			if (!marks.isRecording || target?.getAttribute('aria-label') !== 'New thought') return;
			const at = event.timeStamp;
			requestAnimationFrame(() =>
				setTimeout(() => marks.keys.push({ at, ms: performance.now() - at }), 0)
			);
		},
		true
	);

	const watched = new WeakSet<Worker>();
	const postMessage = Worker.prototype.postMessage;
	Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
		const job = message as { x?: unknown; heldOut?: unknown[]; labels?: unknown[] } | null;
		if (job?.x instanceof Float32Array && Array.isArray(job.heldOut) && !watched.has(this)) {
			watched.add(this);
			marks.posted = performance.now();
			marks.examples = job.heldOut.length;
			marks.labels = job.labels?.length;
			this.addEventListener('message', ({ data }: MessageEvent) => {
				const now = performance.now();
				if (data?.type === 'epoch') {
					marks.firstEpoch ??= now;
					marks.lastEpoch = now;
					marks.epochs = data.epochs;
				} else if (data?.type === 'trained') marks.trained = now;
				else if (data?.type === 'failed') marks.failed = String(data.message);
			});
		}
		return (postMessage as (...a: unknown[]) => void).call(this, message, ...rest);
	};

	// The run ends with a notice: an info one (promoted or kept), or an error.
	new MutationObserver(() => {
		if (marks.click === undefined || marks.outcome !== undefined) return;
		const info = document.querySelector('[role="status"][aria-label="Notifications"]');
		const text = info?.textContent ?? '';
		const error = [...document.querySelectorAll('.notices')].find((n) =>
			n.textContent?.includes('Could not train')
		);
		if (text.includes('tag model') || error) {
			marks.outcome = performance.now();
			marks.notice = (error?.textContent ?? text).trim().replace(/\s+/g, ' ');
		}
	}).observe(document, { childList: true, subtree: true, characterData: true });
}

export async function addTrainingProbe(context: BrowserContext): Promise<void> {
	// See probe.ts for the __name shim.
	await context.addInitScript({ content: `var __name = (fn) => fn; (${install.toString()})();` });
}

export function readMarks(page: Page): Promise<TrainingMarks> {
	return page.evaluate(() => structuredClone(window.__trainingMarks!));
}

const TEXT = 'the quick brown fox jumps over the lazy dog and writes it down ';

/**
 * Types into the focused capture box at a steady pace, as a person does: key events are sent
 * on schedule without waiting for the page to handle the previous one, so a busy main thread
 * makes them queue (and shows in their latency) instead of slowing the typist. Stops after
 * `maxKeys`, or earlier once `isDone` (polled beside the typing, never in its way) says so.
 */
export async function typeSteadily(
	cdp: CDPSession,
	options: { gapMs: number; maxKeys: number; isDone?: () => Promise<boolean> }
): Promise<number> {
	const sent: Promise<unknown>[] = [];
	let keys = 0;
	let isDone = false;
	let isTyping = true;
	const poll = (async () => {
		while (options.isDone && isTyping && !isDone) {
			isDone = await options.isDone();
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	})();
	const started = Date.now();
	while (keys < options.maxKeys && !isDone) {
		const char = TEXT[keys % TEXT.length];
		sent.push(
			cdp.send('Input.dispatchKeyEvent', {
				type: 'keyDown',
				key: char,
				text: char,
				unmodifiedText: char
			})
		);
		sent.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: char }));
		keys++;
		const next = started + keys * options.gapMs;
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
	}
	isTyping = false;
	await Promise.all([...sent, poll]);
	return keys;
}
