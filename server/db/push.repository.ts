import { and, desc, eq, notInArray } from 'drizzle-orm';
import type { NotificationSettings } from '../../sync/protocol/push';
import type { Db } from './open';
import { notificationSettings, pushSubscriptions } from './schema';

export interface StoredSubscription {
	endpoint: string;
	keys: { p256dh: string; auth: string };
}

const ALL_ON: NotificationSettings = { follow: true, like: true, reply: true, post: true };

/** The `push_subscriptions` and `notification_settings` tables. */
export class PushRepository {
	constructor(private readonly db: Db) {}

	/**
	 * Stores a device's subscription for the user. An endpoint is one browser profile: registered
	 * again by another user, it moves to them. Only the user's newest `keep` devices are kept.
	 */
	save(userId: string, subscription: StoredSubscription, keep: number, now = Date.now()): void {
		this.db.transaction((tx) => {
			const row = {
				userId,
				endpoint: subscription.endpoint,
				p256dh: subscription.keys.p256dh,
				auth: subscription.keys.auth,
				createdAt: now
			};
			tx.insert(pushSubscriptions)
				.values(row)
				.onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: row })
				.run();
			const newest = tx
				.select({ id: pushSubscriptions.id })
				.from(pushSubscriptions)
				.where(eq(pushSubscriptions.userId, userId))
				.orderBy(desc(pushSubscriptions.createdAt), desc(pushSubscriptions.id))
				.limit(keep);
			tx.delete(pushSubscriptions)
				.where(and(eq(pushSubscriptions.userId, userId), notInArray(pushSubscriptions.id, newest)))
				.run();
		});
	}

	listByUser(userId: string): StoredSubscription[] {
		return this.db
			.select()
			.from(pushSubscriptions)
			.where(eq(pushSubscriptions.userId, userId))
			.orderBy(pushSubscriptions.id)
			.all()
			.map((row) => ({ endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } }));
	}

	/** Forgets one of the user's devices; false if the endpoint was not theirs. */
	deleteForUser(userId: string, endpoint: string): boolean {
		const result = this.db
			.delete(pushSubscriptions)
			.where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
			.run();
		return result.changes === 1;
	}

	/** The push service said the subscription is gone (404/410), whoever it belonged to. */
	deleteByEndpoint(endpoint: string): void {
		this.db.delete(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint)).run();
	}

	settings(userId: string): NotificationSettings {
		const row = this.db
			.select()
			.from(notificationSettings)
			.where(eq(notificationSettings.userId, userId))
			.get();
		if (!row) return { ...ALL_ON };
		return {
			follow: row.pushFollow === 1,
			like: row.pushLike === 1,
			reply: row.pushReply === 1,
			post: row.pushPost === 1
		};
	}

	saveSettings(userId: string, settings: NotificationSettings): void {
		const row = {
			userId,
			pushFollow: Number(settings.follow),
			pushLike: Number(settings.like),
			pushReply: Number(settings.reply),
			pushPost: Number(settings.post)
		};
		this.db
			.insert(notificationSettings)
			.values(row)
			.onConflictDoUpdate({ target: notificationSettings.userId, set: row })
			.run();
	}
}
