import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MS, LATEST_TIME, isValidTime, isoTime, publishedTime } from './time';

const BAD = [NaN, Infinity, -Infinity, 8.64e15 + 1, 8.7e15, -1, '1700000000000', null];

describe('times at the edge', () => {
	it('accepts times from 1970 to the end of year 9999, and nothing else', () => {
		for (const good of [0, 1_700_000_000_000, LATEST_TIME]) expect(isValidTime(good)).toBe(true);
		for (const bad of BAD) expect(isValidTime(bad)).toBe(false);
	});

	it('renders a bad time as no date instead of throwing', () => {
		for (const bad of BAD) expect(isoTime(bad)).toBeNull();
		expect(isoTime(0)).toBe('1970-01-01T00:00:00.000Z');
	});

	it('shows a post no later than its publication plus clock skew', () => {
		const now = 1_700_000_000_000;
		expect(publishedTime(now - 5, now)).toBe(now - 5);
		expect(publishedTime(LATEST_TIME, now)).toBe(now + CLOCK_SKEW_MS);
		expect(publishedTime(now - 0.5, now)).toBe(now - 1);
	});
});
