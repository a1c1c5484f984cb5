import { and, count, eq, gte, lt, lte, ne, sql, sum } from 'drizzle-orm';
import { param } from './param.sql';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from './open';
import { follows, likes, postViews, posts, replies } from './schema';

/** Inclusive UTC days, `YYYY-MM-DD`. */
export interface DayRange {
	first: string;
	last: string;
}

export interface DailyActivity {
	day: string;
	likes: number;
	replies: number;
	followers: number;
	views: number;
}

export interface PostActivity {
	id: string;
	/** At most the first 200 characters: enough for an excerpt. */
	text: string;
	visibility: 'public' | 'followers';
	views: number;
	likes: number;
	replies: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
type Series = Exclude<keyof DailyActivity, 'day'>;
const SERIES: Series[] = ['likes', 'replies', 'followers', 'views'];

const author = param('author');
const from = param('from');
const to = param('to');

/** The UTC day of a millisecond timestamp, `YYYY-MM-DD` (SQLite's date function). */
const dayOf = (column: SQLiteColumn) =>
	sql<string>`strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`;

/**
 * Every query starts from one author's rows through an index (posts by user_id, then likes,
 * replies and views by post_id; follows by followee_id), so the cost follows the author's own
 * activity, never the size of the tables. The query-plan test holds them to it. Prepared once,
 * with `countView`: every view of a public post page counts.
 */
function statements(db: Db) {
	const likeDay = dayOf(likes.createdAt);
	const replyDay = dayOf(replies.createdAt);
	const followDay = dayOf(follows.createdAt);
	return {
		likes: db
			.select({ day: likeDay, n: count() })
			.from(posts)
			.innerJoin(likes, eq(likes.postId, posts.id))
			.where(
				and(
					eq(posts.userId, author),
					gte(likes.createdAt, from),
					lt(likes.createdAt, to),
					ne(likes.userId, posts.userId)
				)
			)
			.groupBy(likeDay)
			.prepare(),
		replies: db
			.select({ day: replyDay, n: count() })
			.from(posts)
			.innerJoin(replies, eq(replies.postId, posts.id))
			.where(
				and(
					eq(posts.userId, author),
					gte(replies.createdAt, from),
					lt(replies.createdAt, to),
					ne(replies.authorId, posts.userId)
				)
			)
			.groupBy(replyDay)
			.prepare(),
		followers: db
			.select({ day: followDay, n: count() })
			.from(follows)
			.where(
				and(eq(follows.followeeId, author), gte(follows.createdAt, from), lt(follows.createdAt, to))
			)
			.groupBy(followDay)
			.prepare(),
		views: db
			.select({ day: postViews.day, n: sum(postViews.count).mapWith(Number) })
			.from(posts)
			.innerJoin(postViews, eq(postViews.postId, posts.id))
			.where(
				and(
					eq(posts.userId, author),
					gte(postViews.day, param('first')),
					lte(postViews.day, param('last'))
				)
			)
			.groupBy(postViews.day)
			.prepare(),
		countView: db
			.insert(postViews)
			.values({ postId: param('postId'), day: param('day'), count: 1 })
			.onConflictDoUpdate({
				target: [postViews.postId, postViews.day],
				set: { count: sql`${postViews.count} + 1` }
			})
			.prepare()
	};
}

/**
 * Raw SQL because the builder has no MATERIALIZED CTE (SQLite and PostgreSQL both have one):
 * without it SQLite folds `activity` into the outer query and counts each post's activity again
 * for the filter and the sort. Not prepared: the dashboard is rate-limited, not hot.
 */
const topPostsSql = (b: Bounds & { limit: number }) => sql`WITH activity AS MATERIALIZED (
	SELECT ${posts.id} AS id, substr(${posts.text}, 1, 200) AS text,
		${posts.visibility} AS visibility, ${posts.createdAt} AS created_at,
		(SELECT coalesce(sum(${postViews.count}), 0) FROM ${postViews}
			WHERE ${postViews.postId} = ${posts.id}
			AND ${postViews.day} >= ${b.first} AND ${postViews.day} <= ${b.last}) AS views,
		(SELECT count(*) FROM ${likes} WHERE ${likes.postId} = ${posts.id}
			AND ${likes.createdAt} >= ${b.from} AND ${likes.createdAt} < ${b.to}
			AND ${likes.userId} <> ${posts.userId}) AS likes,
		(SELECT count(*) FROM ${replies} WHERE ${replies.postId} = ${posts.id}
			AND ${replies.createdAt} >= ${b.from} AND ${replies.createdAt} < ${b.to}
			AND ${replies.authorId} <> ${posts.userId}) AS replies
	FROM ${posts} WHERE ${posts.userId} = ${b.author})
	SELECT id, text, visibility, views, likes, replies FROM activity
	WHERE views + likes + replies > 0
	ORDER BY views DESC, likes DESC, replies DESC, created_at DESC LIMIT ${b.limit}`;

interface Bounds {
	author: string;
	first: string;
	last: string;
	from: number;
	to: number;
}

/** Activity on an author's posts per UTC day, and the daily view counters behind it. */
export class AnalyticsRepository {
	readonly #db: Db;
	readonly #statements: ReturnType<typeof statements>;

	constructor(db: Db) {
		this.#db = db;
		this.#statements = statements(db);
	}

	/** One entry per day of the range, oldest first; days without activity are zeros. */
	daily(authorId: string, range: DayRange): DailyActivity[] {
		const days = new Map<string, DailyActivity>();
		for (const day of daysOf(range)) {
			days.set(day, { day, likes: 0, replies: 0, followers: 0, views: 0 });
		}
		const bounds = boundsOf(authorId, range);
		for (const name of SERIES) {
			for (const row of this.#statements[name].all({ ...bounds })) {
				const entry = days.get(row.day);
				if (entry) entry[name] = row.n;
			}
		}
		return [...days.values()];
	}

	/** The author's posts with any activity in the range: most viewed, then most liked. */
	topPosts(authorId: string, range: DayRange, limit: number): PostActivity[] {
		return this.#db.all<PostActivity>(topPostsSql({ ...boundsOf(authorId, range), limit }));
	}

	/** One more view of a post on a day. Nothing about the viewer is passed in or stored. */
	countView(postId: string, day: string): void {
		this.#statements.countView.run({ postId, day });
	}
}

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function utcDay(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

/** The `count` days that end with the day of `now`, as an inclusive range. */
export function lastDays(count: number, now: number): DayRange {
	return { first: utcDay(now - (count - 1) * DAY_MS), last: utcDay(now) };
}

function daysOf({ first, last }: DayRange): string[] {
	const days: string[] = [];
	for (let at = Date.parse(first); at <= Date.parse(last); at += DAY_MS) days.push(utcDay(at));
	return days;
}

function boundsOf(author: string, range: DayRange): Bounds {
	return { author, ...range, from: Date.parse(range.first), to: Date.parse(range.last) + DAY_MS };
}
