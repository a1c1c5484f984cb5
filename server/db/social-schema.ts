import { blob, index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { posts, users } from './core-schema';

/** What others see besides the handle (the username). */
export const profiles = sqliteTable('profiles', {
	userId: text('user_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	displayName: text('display_name').notNull().default(''),
	bio: text('bio').notNull().default(''),
	/** A small PNG, JPEG or WebP, checked by its magic bytes; served from /@handle/avatar. */
	avatar: blob('avatar', { mode: 'buffer' }),
	avatarType: text('avatar_type'),
	updatedAt: integer('updated_at').notNull()
});

/** `notifyPosts`: the follower asked to be alerted about each new post. */
export const follows = sqliteTable(
	'follows',
	{
		followerId: text('follower_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		followeeId: text('followee_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		notifyPosts: integer('notify_posts').notNull().default(0),
		createdAt: integer('created_at').notNull()
	},
	(table) => [
		primaryKey({ columns: [table.followerId, table.followeeId] }),
		index('follows_followee_idx').on(table.followeeId, table.createdAt)
	]
);

/** A blocked user can no longer follow the blocker nor see their followers-only posts. */
export const blocks = sqliteTable(
	'blocks',
	{
		blockerId: text('blocker_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		blockedId: text('blocked_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: integer('created_at').notNull()
	},
	(table) => [
		primaryKey({ columns: [table.blockerId, table.blockedId] }),
		index('blocks_blocked_idx').on(table.blockedId)
	]
);

/** A muted user's posts stay out of the muter's feed; nothing else changes. */
export const mutes = sqliteTable(
	'mutes',
	{
		muterId: text('muter_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		mutedId: text('muted_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		createdAt: integer('created_at').notNull()
	},
	(table) => [primaryKey({ columns: [table.muterId, table.mutedId] })]
);

export const likes = sqliteTable(
	'likes',
	{
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		postId: text('post_id')
			.notNull()
			.references(() => posts.id, { onDelete: 'cascade' }),
		createdAt: integer('created_at').notNull()
	},
	(table) => [
		primaryKey({ columns: [table.userId, table.postId] }),
		index('likes_post_idx').on(table.postId, table.createdAt)
	]
);

/**
 * Replies to a post (`parentId`: the reply answered, null for the post itself). A reply is never
 * more visible than what it answers: its visibility is capped when written and again when read.
 */
export const replies = sqliteTable(
	'replies',
	{
		id: text('id').primaryKey(),
		postId: text('post_id')
			.notNull()
			.references(() => posts.id, { onDelete: 'cascade' }),
		parentId: text('parent_id'),
		authorId: text('author_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		text: text('text').notNull(),
		visibility: text('visibility', { enum: ['public', 'followers'] }).notNull(),
		createdAt: integer('created_at').notNull()
	},
	(table) => [
		index('replies_post_idx').on(table.postId, table.createdAt),
		index('replies_author_idx').on(table.authorId, table.createdAt)
	]
);

/** In-app notifications; a post's go with it (cascade) when it is unpublished or deleted. */
export const notifications = sqliteTable(
	'notifications',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		type: text('type', { enum: ['follow', 'like', 'reply', 'post'] }).notNull(),
		actorId: text('actor_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		postId: text('post_id').references(() => posts.id, { onDelete: 'cascade' }),
		replyId: text('reply_id').references(() => replies.id, { onDelete: 'cascade' }),
		createdAt: integer('created_at').notNull(),
		readAt: integer('read_at')
	},
	(table) => [index('notifications_user_idx').on(table.userId, table.id)]
);

/** Web Push subscriptions, one per device that allowed notifications. */
export const pushSubscriptions = sqliteTable(
	'push_subscriptions',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		endpoint: text('endpoint').notNull().unique(),
		p256dh: text('p256dh').notNull(),
		auth: text('auth').notNull(),
		createdAt: integer('created_at').notNull()
	},
	(table) => [index('push_subscriptions_user_idx').on(table.userId)]
);

/** Per-type push switches (1 = on); a missing row means every type is on. */
export const notificationSettings = sqliteTable('notification_settings', {
	userId: text('user_id')
		.primaryKey()
		.references(() => users.id, { onDelete: 'cascade' }),
	pushFollow: integer('push_follow').notNull().default(1),
	pushLike: integer('push_like').notNull().default(1),
	pushReply: integer('push_reply').notNull().default(1),
	pushPost: integer('push_post').notNull().default(1)
});

/** Post page views per day: counts only, never who viewed. */
export const postViews = sqliteTable(
	'post_views',
	{
		postId: text('post_id')
			.notNull()
			.references(() => posts.id, { onDelete: 'cascade' }),
		day: text('day').notNull(),
		count: integer('count').notNull()
	},
	(table) => [primaryKey({ columns: [table.postId, table.day] })]
);

/**
 * Offline outbox replays: the first result of each (user, key) is kept, so a retried request is
 * answered the same way and applied once.
 */
export const idempotencyKeys = sqliteTable(
	'idempotency_keys',
	{
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		key: text('key').notNull(),
		status: integer('status').notNull(),
		body: text('body').notNull(),
		createdAt: integer('created_at').notNull()
	},
	(table) => [primaryKey({ columns: [table.userId, table.key] })]
);
