import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { param } from './param.sql';
import type { Db } from './open';
import { postClaims, posts } from './schema';

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

export interface ReplaceOutcome {
	/** Ids of the posts published by this store for the first time. */
	addedIds: string[];
	/** Ids another user published first: refused, never shown under this document's owner. */
	refusedIds: string[];
	added: number;
	changed: number;
	removed: number;
}

/**
 * Strictly after the page's cursor, newest first: a row-value comparison (SQLite and pg), so
 * SQLite seeks the (user_id, created_at, id) index to the cursor. The builder has no row values,
 * and its `a < x OR (a = x AND b < y)` spelling binds `x` twice, which SQLite cannot see are
 * equal: it then reads the author's posts from the start (and the feed's plan scanned `posts`).
 */
export const AFTER_CURSOR = sql`(${posts.createdAt}, ${posts.id})
	< (${param('beforeAt')}, ${param('beforeId')})`;

/** A post as the app sees it (the document it came from stays in the table). */
const POST = {
	id: posts.id,
	userId: posts.userId,
	visibility: posts.visibility,
	text: posts.text,
	createdAt: posts.createdAt,
	publishedAt: posts.publishedAt,
	editedAt: posts.editedAt
};

/** Prepared once: every store of a shard replaces its posts; public pages read them. */
function statements(db: Db) {
	const ofDocument = and(eq(posts.id, param('id')), eq(posts.docName, param('docName')));
	return {
		existing: db
			.select({
				id: posts.id,
				text: posts.text,
				visibility: posts.visibility,
				editedAt: posts.editedAt
			})
			.from(posts)
			.where(eq(posts.docName, param('docName')))
			.prepare(),
		claim: db
			.insert(postClaims)
			.values({ id: param('id'), userId: param('userId'), claimedAt: param('now') })
			.onConflictDoNothing({ target: postClaims.id })
			.prepare(),
		claimant: db
			.select({ userId: postClaims.userId })
			.from(postClaims)
			.where(eq(postClaims.id, param('id')))
			.prepare(),
		insert: db
			.insert(posts)
			.values({
				id: param('id'),
				userId: param('userId'),
				docName: param('docName'),
				visibility: param('visibility'),
				text: param('text'),
				createdAt: param('createdAt'),
				publishedAt: param('now')
			})
			.onConflictDoNothing({ target: posts.id })
			.prepare(),
		update: db
			.update(posts)
			.set({
				visibility: sql`${param('visibility')}`,
				text: sql`${param('text')}`,
				editedAt: sql`${param('editedAt')}`
			})
			.where(ofDocument)
			.prepare(),
		remove: db.delete(posts).where(ofDocument).prepare(),
		byAuthor: db
			.select(POST)
			.from(posts)
			.where(
				and(
					eq(posts.userId, param('userId')),
					inArray(posts.visibility, ['public', param('alsoVisible')]),
					AFTER_CURSOR
				)
			)
			.orderBy(desc(posts.createdAt), desc(posts.id))
			.limit(param('limit'))
			.prepare(),
		find: db
			.select(POST)
			.from(posts)
			.where(and(eq(posts.userId, param('userId')), eq(posts.id, param('id'))))
			.prepare()
	};
}

/**
 * The `posts` table. A document's posts are replaced as a whole from its current content, so
 * unpublishing or deleting a thought removes its post at the next store. A post id belongs to
 * the user who published it first, for good (post_claims): another user's document can neither
 * overwrite it nor take it while its owner's thought is private.
 */
export class PostsRepository {
	readonly #db: Db;
	readonly #statements: ReturnType<typeof statements>;

	constructor(db: Db) {
		this.#db = db;
		this.#statements = statements(db);
	}

	replaceForDocument(
		docName: string,
		userId: string,
		published: readonly PublishedThought[],
		now = Date.now()
	): ReplaceOutcome {
		const { existing, claim, claimant, insert, update, remove } = this.#statements;
		// The prepared statements run on the one connection, inside this transaction.
		return this.#db.transaction(() => {
			const before = new Map(existing.all({ docName }).map((row) => [row.id, row]));
			const outcome: ReplaceOutcome = {
				addedIds: [],
				refusedIds: [],
				added: 0,
				changed: 0,
				removed: 0
			};
			for (const post of published) {
				const old = before.get(post.id);
				before.delete(post.id);
				if (!old) {
					claim.run({ id: post.id, userId, now });
					if (claimant.get({ id: post.id })?.userId !== userId) {
						outcome.refusedIds.push(post.id);
						continue;
					}
					const { changes } = insert.run({ ...post, userId, docName, now });
					if (changes > 0) outcome.addedIds.push(post.id);
					outcome.added += changes;
				} else if (old.text !== post.text || old.visibility !== post.visibility) {
					const editedAt = old.text === post.text ? old.editedAt : now;
					update.run({ ...post, editedAt, docName });
					outcome.changed++;
				}
			}
			for (const id of before.keys()) outcome.removed += remove.run({ id, docName }).changes;
			return outcome;
		});
	}

	/** An author's posts, newest first: public ones, plus followers-only when `followers`. */
	byAuthor(
		userId: string,
		options: { followers: boolean; before?: PostCursor; limit: number }
	): Post[] {
		const before = options.before ?? { createdAt: Number.MAX_SAFE_INTEGER, id: '' };
		return this.#statements.byAuthor.all({
			userId,
			alsoVisible: options.followers ? 'followers' : 'public',
			beforeAt: before.createdAt,
			beforeId: before.id,
			limit: options.limit
		});
	}

	find(userId: string, id: string): Post | undefined {
		return this.#statements.find.get({ userId, id });
	}
}
