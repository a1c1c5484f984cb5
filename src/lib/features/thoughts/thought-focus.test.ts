import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ThoughtId } from '$sync/ids';
import { focusWhenShown, steppedIndex, takeFocusRequest } from './thought-focus';

describe('steppedIndex', () => {
	it('starts at the first thought from outside the list, whichever way', () => {
		expect(steppedIndex(-1, 3, 1)).toBe(0);
		expect(steppedIndex(-1, 3, -1)).toBe(0);
	});

	it('moves one step and stops at both ends', () => {
		expect(steppedIndex(0, 3, 1)).toBe(1);
		expect(steppedIndex(1, 3, -1)).toBe(0);
		expect(steppedIndex(2, 3, 1)).toBe(2);
		expect(steppedIndex(0, 3, -1)).toBe(0);
	});

	it('has nowhere to go in an empty list', () => {
		expect(steppedIndex(-1, 0, 1)).toBeNull();
	});
});

describe('focus requests', () => {
	const a = 'a' as ThoughtId;
	const b = 'b' as ThoughtId;
	afterEach(() => vi.useRealTimers());

	it('go to the item asked for, once', () => {
		focusWhenShown(a);
		expect(takeFocusRequest(b)).toBe(false);
		expect(takeFocusRequest(a)).toBe(true);
		expect(takeFocusRequest(a)).toBe(false);
	});

	it('lapse when the item does not show up in time', () => {
		vi.useFakeTimers();
		focusWhenShown(a, 100);
		vi.advanceTimersByTime(50);
		focusWhenShown(b, 100);
		vi.advanceTimersByTime(60);
		expect(takeFocusRequest(b)).toBe(true);
		focusWhenShown(a, 100);
		vi.advanceTimersByTime(100);
		expect(takeFocusRequest(a)).toBe(false);
	});
});
