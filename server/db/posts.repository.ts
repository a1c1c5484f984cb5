import type Database from 'better-sqlite3';

export type PostVisibility = 'public' | 'followers';

/** What a shard document publishes now: one entry per public or followers-only thought. */
export interface PublishedThought {
	id: string;
	visibility: PostVisibility;
	text: string;
	createdAt: number;
}

export interface Post extends PublishedThought {
	userId: string;
	publishedAt: number;
	/** Set when the text changed after the thought was first published. */
	editedAt: number | null;
}

/** Newest first; a page continues strictly after its cursor. */
export interface PostCursor {
	createdAt: number;
	id: string;
}

interface PostRow {
	id: string;
	user_id: string;
	visibility: PostVisibility;
	text: string;
	created_at: number;
	published_at: number;
	edited_at: number | null;
}

const toPost = (row: PostRow): Post => ({
	id: row.id,
	userId: row.user_id,
	visibility: row.visibility,
	text: row.text,
	createdAt: row.created_at,
	publishedAt: row.published_at,
	editedAt: row.edited_at
});

export interface ReplaceOutcome {
	/** Ids of the posts published by this store for the first time. */
	addedIds: string[];
	added: number;
	changed: number;
	removed: number;
}

/**
 * The `posts` table. A document's posts are replaced as a whole from its current content, so
 * unpublishing or deleting a thought removes its post at the next store. A post id belongs to
 * the user who published it first: another user's document can never overwrite it.
 */
export class PostsRepository {
	readonly #replace: (
		docName: string,
		userId: string,
		published: readonly PublishedThought[],
		now: number
	) => ReplaceOutcome;
	readonly #byAuthor: Database.Statement<[string, string, number, number, string, number], PostRow>;
	readonly #find: Database.Statement<[string, string], PostRow>;

	constructor(sqlite: Database.Database) {
		const existing = sqlite.prepare<[string], { id: string; text: string; visibility: string }>(
			'SELECT id, text, visibility FROM posts WHERE doc_name = ?'
		);
		const insert = sqlite.prepare(
			`INSERT INTO posts (id, user_id, doc_name, visibility, text, created_at, published_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`
		);
		const update = sqlite.prepare(
			`UPDATE posts SET visibility = ?, text = ?,
			 edited_at = CASE WHEN text = ? THEN edited_at ELSE ? END
			 WHERE id = ? AND doc_name = ?`
		);
		const remove = sqlite.prepare('DELETE FROM posts WHERE id = ? AND doc_name = ?');
		this.#replace = sqlite.transaction((docName, userId, published, now) => {
			const before = new Map(existing.all(docName).map((row) => [row.id, row]));
			const outcome: ReplaceOutcome = { addedIds: [], added: 0, changed: 0, removed: 0 };
			for (const post of published) {
				const old = before.get(post.id);
				before.delete(post.id);
				if (!old) {
					const { changes } = insert.run(
						post.id,
						userId,
						docName,
						post.visibility,
						post.text,
						post.createdAt,
						now
					);
					if (changes > 0) outcome.addedIds.push(post.id);
					outcome.added += changes;
				} else if (old.text !== post.text || old.visibility !== post.visibility) {
					update.run(post.visibility, post.text, post.text, now, post.id, docName);
					outcome.changed++;
				}
			}
			for (const id of before.keys()) outcome.removed += remove.run(id, docName).changes;
			return outcome;
		});
		this.#byAuthor = sqlite.prepare(
			`SELECT * FROM posts WHERE user_id = ? AND visibility IN ('public', ?)
			 AND (created_at < ? OR (created_at = ? AND id < ?))
			 ORDER BY created_at DESC, id DESC LIMIT ?`
		);
		this.#find = sqlite.prepare('SELECT * FROM posts WHERE user_id = ? AND id = ?');
	}

	replaceForDocument(
		docName: string,
		userId: string,
		published: readonly PublishedThought[],
		now = Date.now()
	): ReplaceOutcome {
		return this.#replace(docName, userId, published, now);
	}

	/** An author's posts, newest first: public ones, plus followers-only when `followers`. */
	byAuthor(
		userId: string,
		options: { followers: boolean; before?: PostCursor; limit: number }
	): Post[] {
		const before = options.before ?? { createdAt: Number.MAX_SAFE_INTEGER, id: '' };
		return this.#byAuthor
			.all(
				userId,
				options.followers ? 'followers' : 'public',
				before.createdAt,
				before.createdAt,
				before.id,
				options.limit
			)
			.map(toPost);
	}

	find(userId: string, id: string): Post | undefined {
		const row = this.#find.get(userId, id);
		return row ? toPost(row) : undefined;
	}
}
