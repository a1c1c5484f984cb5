import type Database from 'better-sqlite3';
import type { AppNotification, NotificationType } from '../../sync/protocol/social';
import { POST_VISIBLE, REPLY_VISIBLE } from './visibility.sql';

const EXCERPT_CHARS = 140;

export interface NewNotification {
	userId: string;
	type: NotificationType;
	actorId: string;
	postId?: string | null;
	replyId?: string | null;
}

/**
 * In-app notifications. A notification about a post (or reply) is only listed while its reader
 * may still see that post; one from somebody the reader blocked is never listed.
 */
export class NotificationsRepository {
	readonly #insert: Database.Statement<[Record<string, string | number | null>]>;
	readonly #list: Database.Statement<[Record<string, string | number>], Record<string, unknown>>;
	readonly #unread: Database.Statement<[Record<string, string>], { n: number }>;
	readonly #markRead: Database.Statement<[number, string, number]>;

	constructor(sqlite: Database.Database) {
		this.#insert = sqlite.prepare(
			`INSERT INTO notifications (user_id, type, actor_id, post_id, reply_id, created_at)
			 VALUES (@userId, @type, @actorId, @postId, @replyId, @createdAt)`
		);
		const listed = `FROM notifications n
			JOIN users a ON a.id = n.actor_id LEFT JOIN profiles ap ON ap.user_id = n.actor_id
			LEFT JOIN posts p ON p.id = n.post_id LEFT JOIN replies r ON r.id = n.reply_id
			WHERE n.user_id = @viewer
			AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = @viewer AND b.blocked_id = n.actor_id)
			AND (n.post_id IS NULL OR ${POST_VISIBLE})
			AND (n.reply_id IS NULL OR ${REPLY_VISIBLE})`;
		this.#list = sqlite.prepare(`SELECT n.id, n.type, n.post_id AS postId,
			n.created_at AS createdAt, n.read_at IS NOT NULL AS read,
			a.username AS handle, COALESCE(ap.display_name, '') AS displayName,
			ap.avatar IS NOT NULL AS hasAvatar, COALESCE(r.text, p.text) AS excerpt
			${listed} AND n.id < @before ORDER BY n.id DESC LIMIT @limit`);
		this.#unread = sqlite.prepare(`SELECT count(*) AS n ${listed} AND n.read_at IS NULL`);
		this.#markRead = sqlite.prepare(
			'UPDATE notifications SET read_at = ? WHERE user_id = ? AND id <= ? AND read_at IS NULL'
		);
	}

	add(notification: NewNotification, now = Date.now()): number {
		return Number(
			this.#insert.run({
				postId: null,
				replyId: null,
				...notification,
				createdAt: now
			}).lastInsertRowid
		);
	}

	list(viewer: string, before: number, limit: number): AppNotification[] {
		return this.#list.all({ viewer, before, limit }).map((row) => ({
			id: Number(row.id),
			type: row.type as NotificationType,
			actor: {
				handle: String(row.handle),
				displayName: String(row.displayName),
				hasAvatar: row.hasAvatar === 1
			},
			postId: row.postId === null ? null : String(row.postId),
			excerpt: row.excerpt === null ? null : String(row.excerpt).slice(0, EXCERPT_CHARS),
			createdAt: Number(row.createdAt),
			read: row.read === 1
		}));
	}

	unread(viewer: string): number {
		return this.#unread.get({ viewer })!.n;
	}

	markRead(viewer: string, upTo: number, now = Date.now()): void {
		this.#markRead.run(now, viewer, upTo);
	}
}
