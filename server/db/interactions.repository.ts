import type Database from 'better-sqlite3';
import type { FeedPost, PostVisibility, Reply } from '../../sync/protocol/social';
import type { PostCursor } from './posts.repository';
import { POST_VISIBLE, REPLY_VISIBLE } from './visibility.sql';

const AUTHOR = (alias: string, profile: string) => `${alias}.username AS handle,
	COALESCE(${profile}.display_name, '') AS displayName, ${profile}.avatar IS NOT NULL AS hasAvatar`;

const POST_SELECT = `SELECT p.id, p.user_id AS authorId, p.text, p.visibility,
	p.created_at AS createdAt, p.edited_at AS editedAt, ${AUTHOR('u', 'pr')},
	(SELECT count(*) FROM likes l WHERE l.post_id = p.id) AS likeCount,
	EXISTS (SELECT 1 FROM likes l WHERE l.post_id = p.id AND l.user_id = @viewer) AS likedByMe,
	(SELECT count(*) FROM replies r WHERE r.post_id = p.id AND ${REPLY_VISIBLE}) AS replyCount
	FROM posts p JOIN users u ON u.id = p.user_id LEFT JOIN profiles pr ON pr.user_id = p.user_id`;

const AFTER_CURSOR = `(p.created_at < @beforeAt OR (p.created_at = @beforeAt AND p.id < @beforeId))
	ORDER BY p.created_at DESC, p.id DESC LIMIT @limit`;

type Row = Record<string, string | number | null>;

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

/**
 * Reading posts as a given viewer (feed, profile, thread) and the likes and replies on them.
 * Every read goes through the visibility fragments; nothing here returns a post or reply the
 * viewer may not see.
 */
export class InteractionsRepository {
	readonly #feed: Database.Statement<[Record<string, string | number>], Row>;
	readonly #byAuthor: Database.Statement<[Record<string, string | number>], Row>;
	readonly #post: Database.Statement<[Record<string, string>], Row>;
	readonly #replies: Database.Statement<[Record<string, string>], Row>;
	readonly #reply: Database.Statement<[Record<string, string>], Row>;
	readonly #like: Database.Statement<[string, string, number]>;
	readonly #unlike: Database.Statement<[string, string]>;
	readonly #likeCount: Database.Statement<[string], { n: number }>;
	readonly #insertReply: Database.Statement<[NewReply]>;

	constructor(sqlite: Database.Database) {
		this.#feed = sqlite.prepare(`${POST_SELECT}
			WHERE (p.user_id = @viewer OR p.user_id IN
				(SELECT followee_id FROM follows WHERE follower_id = @viewer))
			AND p.user_id NOT IN (SELECT muted_id FROM mutes WHERE muter_id = @viewer)
			AND ${POST_VISIBLE} AND ${AFTER_CURSOR}`);
		this.#byAuthor = sqlite.prepare(`${POST_SELECT}
			WHERE p.user_id = @author AND ${POST_VISIBLE} AND ${AFTER_CURSOR}`);
		this.#post = sqlite.prepare(`${POST_SELECT} WHERE p.id = @id AND ${POST_VISIBLE}`);
		const replySelect = `SELECT r.id, r.post_id AS postId, r.parent_id AS parentId, r.text,
			CASE WHEN p.visibility = 'followers' THEN 'followers' ELSE r.visibility END AS visibility,
			r.created_at AS createdAt, ${AUTHOR('a', 'ap')}
			FROM replies r JOIN posts p ON p.id = r.post_id JOIN users a ON a.id = r.author_id
			LEFT JOIN profiles ap ON ap.user_id = r.author_id`;
		this.#replies = sqlite.prepare(`${replySelect}
			WHERE r.post_id = @post AND ${POST_VISIBLE} AND ${REPLY_VISIBLE}
			ORDER BY r.created_at, r.id LIMIT 500`);
		this.#reply = sqlite.prepare(`${replySelect}
			WHERE r.id = @id AND ${POST_VISIBLE} AND ${REPLY_VISIBLE}`);
		this.#like = sqlite.prepare(
			'INSERT INTO likes (user_id, post_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'
		);
		this.#unlike = sqlite.prepare('DELETE FROM likes WHERE user_id = ? AND post_id = ?');
		this.#likeCount = sqlite.prepare('SELECT count(*) AS n FROM likes WHERE post_id = ?');
		this.#insertReply = sqlite.prepare(
			`INSERT INTO replies (id, post_id, parent_id, author_id, text, visibility, created_at)
			 VALUES (@id, @postId, @parentId, @authorId, @text, @visibility, @createdAt)`
		);
	}

	feed(viewer: string, before: PostCursor | undefined, limit: number): VisiblePost[] {
		return this.#feed.all({ viewer, ...cursor(before), limit }).map(toPost);
	}

	byAuthor(
		viewer: string,
		author: string,
		before: PostCursor | undefined,
		limit: number
	): VisiblePost[] {
		return this.#byAuthor.all({ viewer, author, ...cursor(before), limit }).map(toPost);
	}

	post(viewer: string, id: string): VisiblePost | undefined {
		const row = this.#post.get({ viewer, id });
		return row ? toPost(row) : undefined;
	}

	replies(viewer: string, postId: string): Reply[] {
		return this.#replies.all({ viewer, post: postId }).map(toReply);
	}

	reply(viewer: string, id: string): Reply | undefined {
		const row = this.#reply.get({ viewer, id });
		return row ? toReply(row) : undefined;
	}

	/** Returns true when this is a new like (not a repeat). */
	like(userId: string, postId: string, now = Date.now()): boolean {
		return this.#like.run(userId, postId, now).changes > 0;
	}

	unlike(userId: string, postId: string): void {
		this.#unlike.run(userId, postId);
	}

	likeCount(postId: string): number {
		return this.#likeCount.get(postId)!.n;
	}

	addReply(reply: NewReply): void {
		this.#insertReply.run(reply);
	}
}

function cursor(before: PostCursor | undefined) {
	return before
		? { beforeAt: before.createdAt, beforeId: before.id }
		: { beforeAt: Number.MAX_SAFE_INTEGER, beforeId: '' };
}

const author = (row: Row) => ({
	handle: String(row.handle),
	displayName: String(row.displayName),
	hasAvatar: row.hasAvatar === 1
});

function toPost(row: Row): VisiblePost {
	return {
		id: String(row.id),
		authorId: String(row.authorId),
		author: author(row),
		text: String(row.text),
		visibility: row.visibility as PostVisibility,
		createdAt: Number(row.createdAt),
		editedAt: row.editedAt === null ? null : Number(row.editedAt),
		likeCount: Number(row.likeCount),
		likedByMe: row.likedByMe === 1,
		replyCount: Number(row.replyCount)
	};
}

function toReply(row: Row): Reply {
	return {
		id: String(row.id),
		postId: String(row.postId),
		parentId: row.parentId === null ? null : String(row.parentId),
		author: author(row),
		text: String(row.text),
		visibility: row.visibility as PostVisibility,
		createdAt: Number(row.createdAt)
	};
}
