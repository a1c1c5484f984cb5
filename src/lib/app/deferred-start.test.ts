import { describe, expect, it } from 'vitest';
import { runDeferredStart, type DeferredStart } from './deferred-start';

/** Fakes whose async steps finish only when the test says so, recording what ran when. */
function recordingSteps() {
	const log: string[] = [];
	const finishers = new Map<string, () => void>();
	const step = (name: string) => () => {
		log.push(`start ${name}`);
		return new Promise<void>((resolve) =>
			finishers.set(name, () => {
				log.push(`end ${name}`);
				resolve();
			})
		);
	};
	const steps: DeferredStart = {
		warmAi: () => void log.push('warm ai'),
		buildSearch: step('search'),
		prepareWrites: step('writes'),
		startAi: step('ai')
	};
	const finish = async (name: string) => {
		finishers.get(name)?.();
		// Let the runner move on to its next step.
		await new Promise((resolve) => setTimeout(resolve));
	};
	return { steps, log, finish };
}

describe('runDeferredStart', () => {
	it('warms the AI at once, then runs search, writes and AI one after the other', async () => {
		const { steps, log, finish } = recordingSteps();
		const done = runDeferredStart(steps);
		expect(log).toEqual(['warm ai', 'start search']);
		await finish('search');
		expect(log.at(-1)).toBe('start writes');
		await finish('writes');
		expect(log.at(-1)).toBe('start ai');
		await finish('ai');
		await done;
		expect(log).toEqual([
			'warm ai',
			'start search',
			'end search',
			'start writes',
			'end writes',
			'start ai',
			'end ai'
		]);
	});

	it('starts no later step while an earlier one is still running', async () => {
		const { steps, log } = recordingSteps();
		void runDeferredStart(steps);
		await new Promise((resolve) => setTimeout(resolve));
		expect(log).toEqual(['warm ai', 'start search']);
	});
});
