import {
	EXCERPT_CHARS,
	type ActivityCounts,
	type AnalyticsReport,
	type TopPost
} from '../../sync/protocol/analytics';
import { markdownToPlainText } from '../../sync/markdown/plain-text';
import {
	lastDays,
	utcDay,
	type AnalyticsRepository,
	type PostActivity
} from '../db/analytics.repository';
import type { RateLimiter } from './rate-limiter';

const TOP_POSTS = 5;

/**
 * Author analytics: daily counts of what happened to one's own posts and profile, and the view
 * counter behind public post pages. Views are a number per post and day; the reader's address,
 * cookie or id never reach this service.
 */
export class AnalyticsService {
	constructor(
		private readonly repository: AnalyticsRepository,
		private readonly perMinute: RateLimiter
	) {}

	/** Counts a request against the user's allowance; false once the minute's is spent. */
	allow(userId: string): boolean {
		return this.perMinute.take(userId);
	}

	report(userId: string, days: number, now = Date.now()): AnalyticsReport {
		const range = lastDays(days, now);
		const daily = this.repository.daily(userId, range);
		const totals: ActivityCounts = { likes: 0, replies: 0, followers: 0, views: 0 };
		for (const day of daily) {
			totals.likes += day.likes;
			totals.replies += day.replies;
			totals.followers += day.followers;
			totals.views += day.views;
		}
		return {
			days: daily.map(({ day, likes, replies, followers, views }) => ({
				day,
				likes,
				replies,
				followers,
				views
			})),
			totals,
			topPosts: this.repository.topPosts(userId, range, TOP_POSTS).map(toTopPost)
		};
	}

	/**
	 * A post page was served. `viewerId` only decides whether to count: authors reading their own
	 * post are not an audience. It is never stored.
	 */
	recordView(post: { id: string; userId: string }, viewerId: string | null, now = Date.now()) {
		if (viewerId === post.userId) return;
		this.repository.countView(post.id, utcDay(now));
	}
}

function toTopPost(row: PostActivity): TopPost {
	return {
		id: row.id,
		excerpt: excerpt(row.text),
		visibility: row.visibility,
		views: row.views,
		likes: row.likes,
		replies: row.replies
	};
}

/**
 * The first line as a reader sees it (no Markdown marks), cut at a word where possible and
 * never inside a surrogate pair.
 */
function excerpt(text: string): string {
	const line = [...markdownToPlainText(text).split('\n', 1)[0].trim()];
	if (line.length <= EXCERPT_CHARS) return line.join('');
	const cut = line.slice(0, EXCERPT_CHARS - 1).join('');
	const space = cut.lastIndexOf(' ');
	return `${space > EXCERPT_CHARS / 2 ? cut.slice(0, space) : cut}…`;
}
