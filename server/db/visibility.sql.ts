/**
 * Who may see what, in one place: every query that returns posts, replies or notifications
 * includes these predicates, so the leak tests guard them all at once. `viewer` is the reading
 * user's id (a placeholder in prepared statements), or '' for an anonymous reader (no user has
 * that id). The predicates refer to the `posts` and `replies` rows of the query they join.
 */
import { and, eq, exists, notExists, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { QueryBuilder, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { blocks, follows, posts, replies } from './schema';

/** Builds the subqueries; they need no connection of their own. */
const qb = new QueryBuilder();
const ONE = { one: sql`1` };

/** `author` may show followers-only content to `viewer`: follows them, and is not blocked. */
export const mayFollowersSee = (author: SQLiteColumn, viewer: SQLWrapper): SQL =>
	and(
		exists(
			qb
				.select(ONE)
				.from(follows)
				.where(and(eq(follows.followerId, viewer), eq(follows.followeeId, author)))
		),
		notExists(
			qb
				.select(ONE)
				.from(blocks)
				.where(and(eq(blocks.blockerId, author), eq(blocks.blockedId, viewer)))
		)
	)!;

/** The post is visible to `viewer`. */
export const postVisible = (viewer: SQLWrapper): SQL =>
	or(
		eq(posts.visibility, 'public'),
		eq(posts.userId, viewer),
		mayFollowersSee(posts.userId, viewer)
	)!;

/**
 * The reply to the visible post is visible to `viewer`: a reply is never more visible than its
 * post, and a followers-level one reaches the post author's followers; replies by people the
 * viewer or the post author blocked are hidden.
 */
export const replyVisible = (viewer: SQLWrapper): SQL =>
	and(
		or(
			eq(replies.authorId, viewer),
			eq(posts.userId, viewer),
			and(eq(replies.visibility, 'public'), eq(posts.visibility, 'public')),
			mayFollowersSee(posts.userId, viewer)
		),
		notExists(
			qb
				.select(ONE)
				.from(blocks)
				.where(
					and(
						eq(blocks.blockedId, replies.authorId),
						or(eq(blocks.blockerId, viewer), eq(blocks.blockerId, posts.userId))
					)
				)
		)
	)!;
