import { and, count, desc, eq, isNotNull, isNull, lt, lte, notExists, or, sql } from 'drizzle-orm';
import { param } from './param.sql';
import type { AppNotification, NotificationType } from '../../sync/protocol/social';
import type { Db } from './open';
import { blocks, notifications, posts, profiles, replies, users } from './schema';
import { postVisible, replyVisible } from './visibility.sql';

const EXCERPT_CHARS = 140;

export interface NewNotification {
	userId: string;
	type: NotificationType;
	actorId: string;
	postId?: string | null;
	replyId?: string | null;
}

const viewer = param('viewer');

/**
 * The reader's notifications they may still see: not from someone they blocked, and only while
 * they may see the post or reply it is about.
 */
function maySee(db: Db) {
	return and(
		eq(notifications.userId, viewer),
		notExists(
			db
				.select({ one: sql`1` })
				.from(blocks)
				.where(and(eq(blocks.blockerId, viewer), eq(blocks.blockedId, notifications.actorId)))
		),
		or(isNull(notifications.postId), postVisible(viewer)),
		or(isNull(notifications.replyId), replyVisible(viewer))
	);
}

/** Prepared once: the unread count is read on every app start and after every notification. */
function statements(db: Db) {
	return {
		add: db
			.insert(notifications)
			.values({
				userId: param('userId'),
				type: param('type'),
				actorId: param('actorId'),
				postId: param('postId'),
				replyId: param('replyId'),
				createdAt: param('now')
			})
			.returning({ id: notifications.id })
			.prepare(),
		list: db
			.select({
				id: notifications.id,
				type: notifications.type,
				postId: notifications.postId,
				createdAt: notifications.createdAt,
				read: isNotNull(notifications.readAt).mapWith(Boolean),
				handle: users.username,
				displayName: profiles.displayName,
				hasAvatar: isNotNull(profiles.avatar).mapWith(Boolean),
				excerpt: sql<string | null>`coalesce(${replies.text}, ${posts.text})`
			})
			.from(notifications)
			.innerJoin(users, eq(users.id, notifications.actorId))
			.leftJoin(profiles, eq(profiles.userId, notifications.actorId))
			.leftJoin(posts, eq(posts.id, notifications.postId))
			.leftJoin(replies, eq(replies.id, notifications.replyId))
			.where(and(maySee(db), lt(notifications.id, param('before'))))
			.orderBy(desc(notifications.id))
			.limit(param('limit'))
			.prepare(),
		// The same rows as `list`: the joins feed the visibility predicates.
		unread: db
			.select({ n: count() })
			.from(notifications)
			.innerJoin(users, eq(users.id, notifications.actorId))
			.leftJoin(profiles, eq(profiles.userId, notifications.actorId))
			.leftJoin(posts, eq(posts.id, notifications.postId))
			.leftJoin(replies, eq(replies.id, notifications.replyId))
			.where(and(maySee(db), isNull(notifications.readAt)))
			.prepare(),
		markRead: db
			.update(notifications)
			.set({ readAt: sql`${param('now')}` })
			.where(
				and(
					eq(notifications.userId, param('viewer')),
					lte(notifications.id, param('upTo')),
					isNull(notifications.readAt)
				)
			)
			.prepare()
	};
}

/**
 * In-app notifications. A notification about a post (or reply) is only listed while its reader
 * may still see that post; one from somebody the reader blocked is never listed.
 */
export class NotificationsRepository {
	readonly #statements: ReturnType<typeof statements>;

	constructor(db: Db) {
		this.#statements = statements(db);
	}

	add(notification: NewNotification, now = Date.now()): number {
		return this.#statements.add.get({ postId: null, replyId: null, ...notification, now })!.id;
	}

	list(viewer: string, before: number, limit: number): AppNotification[] {
		return this.#statements.list.all({ viewer, before, limit }).map((row) => ({
			id: row.id,
			type: row.type,
			actor: {
				handle: row.handle,
				displayName: row.displayName ?? '',
				hasAvatar: row.hasAvatar
			},
			postId: row.postId,
			excerpt: row.excerpt === null ? null : row.excerpt.slice(0, EXCERPT_CHARS),
			createdAt: row.createdAt,
			read: row.read
		}));
	}

	unread(viewer: string): number {
		return this.#statements.unread.get({ viewer })!.n;
	}

	markRead(viewer: string, upTo: number, now = Date.now()): void {
		this.#statements.markRead.run({ now, viewer, upTo });
	}
}
