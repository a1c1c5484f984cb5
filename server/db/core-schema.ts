import { blob, index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable('users', {
	id: text('id').primaryKey(),
	username: text('username').notNull().unique(),
	passwordHash: text('password_hash').notNull(),
	createdAt: integer('created_at').notNull(),
	/** The row of the AI plan table (config) whose quotas apply; operators set it. */
	plan: text('plan').notNull().default('free')
});

/** One row per signed-in device. Only a SHA-256 of the token is stored. */
export const sessions = sqliteTable(
	'sessions',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		tokenHash: text('token_hash').notNull().unique(),
		deviceName: text('device_name').notNull(),
		createdAt: integer('created_at').notNull(),
		lastSeenAt: integer('last_seen_at').notNull(),
		expiresAt: integer('expires_at').notNull(),
		revokedAt: integer('revoked_at')
	},
	(table) => [index('sessions_user_idx').on(table.userId)]
);

/** The compacted state of each Yjs document. */
export const documents = sqliteTable('documents', {
	name: text('name').primaryKey(),
	userId: text('user_id').notNull(),
	state: blob('state', { mode: 'buffer' }).notNull(),
	bytes: integer('bytes').notNull(),
	updatedAt: integer('updated_at').notNull()
});

/**
 * Every update the relay acknowledges is appended here first (durability contract); the
 * debounced store folds them into `documents.state` and deletes them.
 */
export const documentUpdates = sqliteTable(
	'document_updates',
	{
		seq: integer('seq').primaryKey({ autoIncrement: true }),
		name: text('name').notNull(),
		update: blob('update', { mode: 'buffer' }).notNull(),
		createdAt: integer('created_at').notNull()
	},
	(table) => [index('document_updates_name_idx').on(table.name, table.seq)]
);

/**
 * Bytes each user holds on the server: documents (compacted states plus the update log, kept by
 * the documents repository in the same transaction as every append and compaction) and blobs
 * (kept by the blobs repository with each row), so one quota covers both and the relay's check
 * is one primary-key read per update.
 */
export const storageUsage = sqliteTable('storage_usage', {
	userId: text('user_id').primaryKey(),
	bytes: integer('bytes').notNull()
});

/** One row per model run the server did for a user (POST /api/ai/embed and /api/ai/run). */
export const inferenceLog = sqliteTable(
	'inference_log',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		model: text('model').notNull(),
		version: text('version').notNull(),
		task: text('task', { enum: ['embed', 'tag'] })
			.notNull()
			.default('embed'),
		batch: integer('batch').notNull(),
		inputChars: integer('input_chars').notNull(),
		tokens: integer('tokens').notNull().default(0),
		/** UTF-8 bytes of the texts sent, and of the numbers sent back (4 per float32). */
		bytesIn: integer('bytes_in').notNull().default(0),
		bytesOut: integer('bytes_out').notNull().default(0),
		/** Compute the run took: what quotas and cost count (a timed-out run counts its timeout). */
		runMs: real('run_ms').notNull(),
		queueMs: real('queue_ms').notNull(),
		/** The run's price when it ran (the price table may change later; this row does not). */
		cost: real('cost').notNull().default(0),
		outcome: text('outcome', {
			enum: ['ok', 'failed', 'timeout', 'worker_lost']
		})
			.notNull()
			.default('ok'),
		createdAt: integer('created_at').notNull()
	},
	(table) => [index('inference_log_user_idx').on(table.userId, table.createdAt)]
);

/**
 * Published thoughts (public or followers-only), materialised from the owner's shard documents
 * when the relay stores them. A thought made private again, or deleted, is removed at the next
 * store of its shard. `editedAt` is set when the text changes after publishing.
 */
export const posts = sqliteTable(
	'posts',
	{
		id: text('id').primaryKey(),
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		docName: text('doc_name').notNull(),
		visibility: text('visibility', { enum: ['public', 'followers'] }).notNull(),
		text: text('text').notNull(),
		createdAt: integer('created_at').notNull(),
		publishedAt: integer('published_at').notNull(),
		editedAt: integer('edited_at')
	},
	(table) => [
		index('posts_user_created_idx').on(table.userId, table.createdAt, table.id),
		index('posts_doc_idx').on(table.docName)
	]
);

/**
 * Which user first published each post id. Kept when the post is unpublished, so another user
 * who learnt the id cannot take it over while its owner's thought is private.
 */
export const postClaims = sqliteTable('post_claims', {
	id: text('id').primaryKey(),
	userId: text('user_id')
		.notNull()
		.references(() => users.id, { onDelete: 'cascade' }),
	claimedAt: integer('claimed_at').notNull()
});

/**
 * Content-addressed bytes a user stored (model artifacts, later attachments): the bytes live on
 * disk under DATA_DIR/blobs/<user>/<sha256>, this row says the owner has them. The same sha256
 * stored by two users is two rows and two files: nobody reaches another's blob by its hash.
 */
export const blobs = sqliteTable(
	'blobs',
	{
		userId: text('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		sha256: text('sha256').notNull(),
		size: integer('size').notNull(),
		createdAt: integer('created_at').notNull()
	},
	(table) => [primaryKey({ columns: [table.userId, table.sha256] })]
);
