import { and, count, desc, eq, exists, inArray, isNotNull, notInArray, or, sql } from 'drizzle-orm';
import { param } from './param.sql';
import type { AuthorSummary, FeedPost, PostVisibility, Reply } from '../../sync/protocol/social';
import type { Db } from './open';
import { AFTER_CURSOR, type PostCursor } from './posts.repository';
import { follows, likes, mutes, posts, profiles, replies, users } from './schema';
import { postVisible, replyVisible } from './visibility.sql';

export interface VisiblePost extends FeedPost {
	authorId: string;
}

export interface NewReply {
	id: string;
	postId: string;
	parentId: string | null;
	authorId: string;
	text: string;
	visibility: PostVisibility;
	createdAt: number;
}

const viewer = param('viewer');

/** The author of the row: `users` joined, `profiles` left-joined (no row until edited). */
const AUTHOR = {
	handle: users.username,
	displayName: profiles.displayName,
	hasAvatar: isNotNull(profiles.avatar).mapWith(Boolean)
};

function selectPosts(db: Db) {
	return db
		.select({
			id: posts.id,
			authorId: posts.userId,
			text: posts.text,
			visibility: posts.visibility,
			createdAt: posts.createdAt,
			editedAt: posts.editedAt,
			...AUTHOR,
			likeCount: db.$count(likes, eq(likes.postId, posts.id)),
			likedByMe: exists(
				db
					.select({ one: sql`1` })
					.from(likes)
					.where(and(eq(likes.postId, posts.id), eq(likes.userId, viewer)))
			).mapWith(Boolean),
			replyCount: db.$count(replies, and(eq(replies.postId, posts.id), replyVisible(viewer)))
		})
		.from(posts)
		.innerJoin(users, eq(users.id, posts.userId))
		.leftJoin(profiles, eq(profiles.userId, posts.userId));
}

function selectReplies(db: Db) {
	return db
		.select({
			id: replies.id,
			postId: replies.postId,
			parentId: replies.parentId,
			text: replies.text,
			visibility: replies.visibility,
			postVisibility: posts.visibility,
			createdAt: replies.createdAt,
			...AUTHOR
		})
		.from(replies)
		.innerJoin(posts, eq(posts.id, replies.postId))
		.innerJoin(users, eq(users.id, replies.authorId))
		.leftJoin(profiles, eq(profiles.userId, replies.authorId));
}

/** Prepared once: the feed, profile and thread reads are the hottest queries of the server. */
function statements(db: Db) {
	const newestFirst = [desc(posts.createdAt), desc(posts.id)];
	return {
		feed: selectPosts(db)
			.where(
				and(
					or(
						eq(posts.userId, viewer),
						inArray(
							posts.userId,
							db
								.select({ id: follows.followeeId })
								.from(follows)
								.where(eq(follows.followerId, viewer))
						)
					),
					notInArray(
						posts.userId,
						db.select({ id: mutes.mutedId }).from(mutes).where(eq(mutes.muterId, viewer))
					),
					postVisible(viewer),
					AFTER_CURSOR
				)
			)
			.orderBy(...newestFirst)
			.limit(param('limit'))
			.prepare(),
		byAuthor: selectPosts(db)
			.where(and(eq(posts.userId, param('author')), postVisible(viewer), AFTER_CURSOR))
			.orderBy(...newestFirst)
			.limit(param('limit'))
			.prepare(),
		post: selectPosts(db)
			.where(and(eq(posts.id, param('id')), postVisible(viewer)))
			.prepare(),
		replies: selectReplies(db)
			.where(and(eq(replies.postId, param('post')), postVisible(viewer), replyVisible(viewer)))
			.orderBy(replies.createdAt, replies.id)
			.limit(500)
			.prepare(),
		reply: selectReplies(db)
			.where(and(eq(replies.id, param('id')), postVisible(viewer), replyVisible(viewer)))
			.prepare(),
		like: db
			.insert(likes)
			.values({ userId: param('userId'), postId: param('postId'), createdAt: param('now') })
			.onConflictDoNothing()
			.prepare(),
		unlike: db
			.delete(likes)
			.where(and(eq(likes.userId, param('userId')), eq(likes.postId, param('postId'))))
			.prepare(),
		likeCount: db
			.select({ n: count() })
			.from(likes)
			.where(eq(likes.postId, param('postId')))
			.prepare(),
		addReply: db
			.insert(replies)
			.values({
				id: param('id'),
				postId: param('postId'),
				parentId: param('parentId'),
				authorId: param('authorId'),
				text: param('text'),
				visibility: param('visibility'),
				createdAt: param('createdAt')
			})
			.prepare()
	};
}

type PostRow = NonNullable<ReturnType<ReturnType<typeof statements>['post']['get']>>;
type ReplyRow = NonNullable<ReturnType<ReturnType<typeof statements>['reply']['get']>>;

/**
 * Reading posts as a given viewer (feed, profile, thread) and the likes and replies on them.
 * Every read goes through the visibility predicates; nothing here returns a post or reply the
 * viewer may not see.
 */
export class InteractionsRepository {
	readonly #statements: ReturnType<typeof statements>;

	constructor(db: Db) {
		this.#statements = statements(db);
	}

	feed(viewer: string, before: PostCursor | undefined, limit: number): VisiblePost[] {
		return this.#statements.feed.all({ viewer, ...cursor(before), limit }).map(toPost);
	}

	byAuthor(
		viewer: string,
		author: string,
		before: PostCursor | undefined,
		limit: number
	): VisiblePost[] {
		return this.#statements.byAuthor.all({ viewer, author, ...cursor(before), limit }).map(toPost);
	}

	post(viewer: string, id: string): VisiblePost | undefined {
		const row = this.#statements.post.get({ viewer, id });
		return row ? toPost(row) : undefined;
	}

	replies(viewer: string, postId: string): Reply[] {
		return this.#statements.replies.all({ viewer, post: postId }).map(toReply);
	}

	reply(viewer: string, id: string): Reply | undefined {
		const row = this.#statements.reply.get({ viewer, id });
		return row ? toReply(row) : undefined;
	}

	/** Returns true when this is a new like (not a repeat). */
	like(userId: string, postId: string, now = Date.now()): boolean {
		return this.#statements.like.run({ userId, postId, now }).changes > 0;
	}

	unlike(userId: string, postId: string): void {
		this.#statements.unlike.run({ userId, postId });
	}

	likeCount(postId: string): number {
		return this.#statements.likeCount.get({ postId })!.n;
	}

	addReply(reply: NewReply): void {
		this.#statements.addReply.run({ ...reply });
	}
}

function cursor(before: PostCursor | undefined) {
	return before
		? { beforeAt: before.createdAt, beforeId: before.id }
		: { beforeAt: Number.MAX_SAFE_INTEGER, beforeId: '' };
}

const author = (row: PostRow | ReplyRow): AuthorSummary => ({
	handle: row.handle,
	displayName: row.displayName ?? '',
	hasAvatar: row.hasAvatar
});

function toPost(row: PostRow): VisiblePost {
	return {
		id: row.id,
		authorId: row.authorId,
		author: author(row),
		text: row.text,
		visibility: row.visibility,
		createdAt: row.createdAt,
		editedAt: row.editedAt,
		likeCount: row.likeCount,
		likedByMe: row.likedByMe,
		replyCount: row.replyCount
	};
}

/** A reply is never more visible than its post, whatever it was written with. */
function toReply(row: ReplyRow): Reply {
	return {
		id: row.id,
		postId: row.postId,
		parentId: row.parentId,
		author: author(row),
		text: row.text,
		visibility: row.postVisibility === 'followers' ? 'followers' : row.visibility,
		createdAt: row.createdAt
	};
}
