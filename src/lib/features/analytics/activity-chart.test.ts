import { describe, expect, it } from 'vitest';
import type { ActivityDay } from '$sync/protocol/analytics';
import {
	ACTIVITY_SERIES,
	activityColumns,
	dayRange,
	describeActivity,
	formatDay,
	totalOf
} from './activity-chart';

const day = (date: string, counts: Partial<ActivityDay> = {}): ActivityDay => ({
	day: date,
	likes: 0,
	replies: 0,
	followers: 0,
	views: 0,
	...counts
});
const days = [
	day('2025-03-08', { likes: 2 }),
	day('2025-03-09'),
	day('2025-03-10', { likes: 5, views: 1 })
];
const [likes, , , views] = ACTIVITY_SERIES;

describe('activity charts', () => {
	it('put each day at its UTC midnight, in seconds, beside its count', () => {
		expect(activityColumns(days, 'likes')).toEqual([
			[1741392000, 1741478400, 1741564800],
			[2, 0, 5]
		]);
		expect(dayRange(null, 1741392000, 1741392000)).toEqual([1741348800, 1741435200]);
	});

	it('describe the series in words for screen readers', () => {
		expect(totalOf(days, 'likes')).toBe(7);
		expect(describeActivity(days, likes)).toBe(
			'Likes per day: 7 likes in the last 3 days; the most on Mar 10, 2025, with 5.'
		);
		expect(describeActivity(days.slice(2), views)).toBe(
			'Post views per day: 1 view in the last day; the most on Mar 10, 2025, with 1.'
		);
		expect(describeActivity(days.slice(0, 2), views)).toBe('Post views: none in the last 2 days.');
	});

	it('name days in UTC, whatever the device’s time zone', () => {
		expect(formatDay('2025-01-01')).toBe('Jan 1, 2025');
	});
});
