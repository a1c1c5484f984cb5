import { handleError } from './handle-error';

/** The work the app puts off until the first page of thoughts is on screen. */
export interface DeferredStart {
	/** Loads the AI worker and model: mostly CPU, so it may overlap the disk work below. */
	warmAi(): void;
	/** Reads every row into the search index. */
	buildSearch(): Promise<void>;
	/** Loads the shard new thoughts go into (a thought saved sooner opens it itself). */
	prepareWrites(): Promise<void>;
	/** Loads stored vectors and embeds what changed since. */
	startAi(): Promise<void>;
}

/**
 * Runs the deferred work once the browser has painted, so it never delays the first page, and
 * one step after the other, so search, writes and AI never compete for the disk.
 */
export function startAfterFirstPaint(steps: DeferredStart): void {
	requestAnimationFrame(() => setTimeout(() => void runDeferredStart(steps)));
}

export async function runDeferredStart(steps: DeferredStart): Promise<void> {
	try {
		steps.warmAi();
		await steps.buildSearch();
		await steps.prepareWrites();
		await steps.startAi();
	} catch (error) {
		handleError(error, 'Could not finish loading');
	}
}
