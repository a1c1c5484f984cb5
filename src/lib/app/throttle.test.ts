import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from './throttle';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('throttle', () => {
	it('runs the first call at once and folds a burst into one trailing run', () => {
		const run = vi.fn();
		const throttled = throttle(run, 100);
		throttled();
		expect(run).toHaveBeenCalledTimes(1);
		throttled();
		throttled();
		throttled();
		expect(run).toHaveBeenCalledTimes(1);
		vi.advanceTimersByTime(100);
		expect(run).toHaveBeenCalledTimes(2);
		vi.advanceTimersByTime(500);
		expect(run).toHaveBeenCalledTimes(2);
		throttled();
		expect(run).toHaveBeenCalledTimes(3);
	});
});
