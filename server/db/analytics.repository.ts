import type Database from 'better-sqlite3';

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
const DAY_OF = (column: string) => `strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`;
type Series = Exclude<keyof DailyActivity, 'day'>;

/**
 * Every query starts from one author's rows through an index (posts by user_id, then likes,
 * replies and views by post_id; follows by followee_id), so the cost follows the author's own
 * activity, never the size of the tables. Exported for the query-plan test.
 */
export const ANALYTICS_SQL = {
	likes: `SELECT ${DAY_OF('l.created_at')} AS day, count(*) AS n
		FROM posts p JOIN likes l ON l.post_id = p.id
		WHERE p.user_id = @author AND l.created_at >= @from AND l.created_at < @to
		AND l.user_id <> p.user_id GROUP BY day`,
	replies: `SELECT ${DAY_OF('r.created_at')} AS day, count(*) AS n
		FROM posts p JOIN replies r ON r.post_id = p.id
		WHERE p.user_id = @author AND r.created_at >= @from AND r.created_at < @to
		AND r.author_id <> p.user_id GROUP BY day`,
	followers: `SELECT ${DAY_OF('created_at')} AS day, count(*) AS n FROM follows
		WHERE followee_id = @author AND created_at >= @from AND created_at < @to GROUP BY day`,
	views: `SELECT v.day AS day, sum(v.count) AS n
		FROM posts p JOIN post_views v ON v.post_id = p.id
		WHERE p.user_id = @author AND v.day >= @first AND v.day <= @last GROUP BY v.day`,
	topPosts: `WITH activity AS MATERIALIZED (
		SELECT p.id, substr(p.text, 1, 200) AS text, p.visibility, p.created_at,
		(SELECT coalesce(sum(v.count), 0) FROM post_views v
			WHERE v.post_id = p.id AND v.day >= @first AND v.day <= @last) AS views,
		(SELECT count(*) FROM likes l WHERE l.post_id = p.id
			AND l.created_at >= @from AND l.created_at < @to AND l.user_id <> p.user_id) AS likes,
		(SELECT count(*) FROM replies r WHERE r.post_id = p.id
			AND r.created_at >= @from AND r.created_at < @to AND r.author_id <> p.user_id) AS replies
		FROM posts p WHERE p.user_id = @author)
		SELECT id, text, visibility, views, likes, replies FROM activity
		WHERE views + likes + replies > 0
		ORDER BY views DESC, likes DESC, replies DESC, created_at DESC LIMIT @limit`,
	countView: `INSERT INTO post_views (post_id, day, count) VALUES (?, ?, 1)
		ON CONFLICT (post_id, day) DO UPDATE SET count = count + 1`
} as const;

interface Bounds {
	author: string;
	first: string;
	last: string;
	from: number;
	to: number;
}

/** Activity on an author's posts per UTC day, and the daily view counters behind it. */
export class AnalyticsRepository {
	readonly #series: [Series, Database.Statement<[Bounds], { day: string; n: number }>][];
	readonly #topPosts: Database.Statement<[Bounds & { limit: number }], PostActivity>;
	readonly #countView: Database.Statement<[string, string]>;

	constructor(sqlite: Database.Database) {
		const series: Series[] = ['likes', 'replies', 'followers', 'views'];
		this.#series = series.map((name) => [name, sqlite.prepare(ANALYTICS_SQL[name])]);
		this.#topPosts = sqlite.prepare(ANALYTICS_SQL.topPosts);
		this.#countView = sqlite.prepare(ANALYTICS_SQL.countView);
	}

	/** One entry per day of the range, oldest first; days without activity are zeros. */
	daily(authorId: string, range: DayRange): DailyActivity[] {
		const days = new Map<string, DailyActivity>();
		for (const day of daysOf(range)) {
			days.set(day, { day, likes: 0, replies: 0, followers: 0, views: 0 });
		}
		const bounds = boundsOf(authorId, range);
		for (const [name, statement] of this.#series) {
			for (const row of statement.all(bounds)) {
				const entry = days.get(row.day);
				if (entry) entry[name] = row.n;
			}
		}
		return [...days.values()];
	}

	/** The author's posts with any activity in the range: most viewed, then most liked. */
	topPosts(authorId: string, range: DayRange, limit: number): PostActivity[] {
		return this.#topPosts.all({ ...boundsOf(authorId, range), limit });
	}

	/** One more view of a post on a day. Nothing about the viewer is passed in or stored. */
	countView(postId: string, day: string): void {
		this.#countView.run(postId, day);
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
