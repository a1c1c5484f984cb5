import * as v from 'valibot';

/**
 * Author analytics, `GET /api/analytics?days=N`: the caller's own activity per UTC day. Views
 * are counts per post and day; nothing records who viewed.
 */
export const MAX_ANALYTICS_DAYS = 365;
export const DEFAULT_ANALYTICS_DAYS = 30;

/** The query string as URLSearchParams gives it: a repeated `days` arrives as an array. */
export const AnalyticsQuerySchema = v.object({
	days: v.optional(
		v.pipe(
			v.string('Send days once.'),
			v.regex(/^[1-9]\d{0,2}$/, `Send days as a whole number from 1 to ${MAX_ANALYTICS_DAYS}.`),
			v.transform(Number),
			v.maxValue(MAX_ANALYTICS_DAYS, `Send days as a whole number from 1 to ${MAX_ANALYTICS_DAYS}.`)
		),
		String(DEFAULT_ANALYTICS_DAYS)
	)
});
export type AnalyticsQuery = v.InferOutput<typeof AnalyticsQuerySchema>;

export interface ActivityCounts {
	/** Likes on the author's posts, from others. */
	likes: number;
	/** Replies to the author's posts, from others. */
	replies: number;
	/** Follows of the author that began that day and still stand. */
	followers: number;
	/** Views of the author's public post pages. */
	views: number;
}

export type ActivityKind = keyof ActivityCounts;

export interface ActivityDay extends ActivityCounts {
	/** UTC, `YYYY-MM-DD`. */
	day: string;
}

export interface TopPost {
	id: string;
	/** The start of the post's text, at most EXCERPT_CHARS characters. */
	excerpt: string;
	visibility: 'public' | 'followers';
	views: number;
	likes: number;
	replies: number;
}

export const EXCERPT_CHARS = 80;

export interface AnalyticsReport {
	/** Every day of the range, oldest first, zeros included. */
	days: ActivityDay[];
	totals: ActivityCounts;
	/** Posts with activity in the range, most viewed first, then most liked. */
	topPosts: TopPost[];
}
