import type { ActivityDay, ActivityKind } from '$sync/protocol/analytics';
import type { Columns } from '$lib/features/ai/chart-data';

export interface ActivitySeries {
	kind: ActivityKind;
	title: string;
	/** What one unit is, for sentences: "3 likes". */
	noun: [one: string, many: string];
	caption: string;
}

/** The four daily series, in the order the screen shows them. */
export const ACTIVITY_SERIES: readonly ActivitySeries[] = [
	{
		kind: 'likes',
		title: 'Likes',
		noun: ['like', 'likes'],
		caption: 'Likes on your posts from others, per day.'
	},
	{
		kind: 'replies',
		title: 'Replies',
		noun: ['reply', 'replies'],
		caption: 'Replies to your posts from others, per day.'
	},
	{
		kind: 'followers',
		title: 'New followers',
		noun: ['new follower', 'new followers'],
		caption: 'People who started following you, per day.'
	},
	{
		kind: 'views',
		title: 'Post views',
		noun: ['view', 'views'],
		caption: 'Views of your public post pages, per day. Only counts are kept, never who viewed.'
	}
];

const DAY_S = 24 * 60 * 60;

/** x: each day's UTC midnight in seconds (uPlot's time unit), then the day's count. */
export function activityColumns(days: readonly ActivityDay[], kind: ActivityKind): Columns {
	return [days.map((d) => Date.parse(d.day) / 1000), days.map((d) => d[kind])];
}

/** Half a day of room either side, so the first and last bars are whole (even for one day). */
export function dayRange(_u: unknown, min: number, max: number): [number, number] {
	return [min - DAY_S / 2, max + DAY_S / 2];
}

export function totalOf(days: readonly ActivityDay[], kind: ActivityKind): number {
	return days.reduce((sum, d) => sum + d[kind], 0);
}

const dayName = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });

/** "12 Mar 2025" for a `YYYY-MM-DD` UTC day. */
export function formatDay(day: string): string {
	return dayName.format(Date.parse(day));
}

export function count(n: number, [one, many]: ActivitySeries['noun']): string {
	return `${n} ${n === 1 ? one : many}`;
}

/** What a screen reader announces in place of the chart. */
export function describeActivity(days: readonly ActivityDay[], series: ActivitySeries): string {
	const total = totalOf(days, series.kind);
	const span = `the last ${days.length === 1 ? 'day' : `${days.length} days`}`;
	if (total === 0) return `${series.title}: none in ${span}.`;
	const busiest = days.reduce((best, d) => (d[series.kind] > best[series.kind] ? d : best));
	return (
		`${series.title} per day: ${count(total, series.noun)} in ${span}; ` +
		`the most on ${formatDay(busiest.day)}, with ${busiest[series.kind]}.`
	);
}
