import { and, desc, eq, sql } from 'drizzle-orm';
import type { BlobInfo } from '../../sync/protocol/blobs';
import type { Db } from './open';
import { param } from './param.sql';
import { blobs } from './schema';
import { storageUsageStatements } from './storage-usage.sql';

export type AddOutcome = 'added' | 'exists' | 'over_quota';

const INFO = { sha256: blobs.sha256, size: blobs.size, createdAt: blobs.createdAt };

/** Prepared once: every blob request reads one of these. */
function statements(db: Db) {
	const owned = and(eq(blobs.userId, param('userId')), eq(blobs.sha256, param('sha256')));
	return {
		find: db.select(INFO).from(blobs).where(owned).prepare(),
		list: db
			.select(INFO)
			.from(blobs)
			.where(eq(blobs.userId, param('userId')))
			.orderBy(desc(blobs.createdAt), blobs.sha256)
			.prepare(),
		blobBytes: db
			.select({ bytes: sql<number>`coalesce(sum(${blobs.size}), 0)` })
			.from(blobs)
			.where(eq(blobs.userId, param('userId')))
			.prepare(),
		insert: db
			.insert(blobs)
			.values({
				userId: param('userId'),
				sha256: param('sha256'),
				size: param('size'),
				createdAt: param('now')
			})
			.prepare(),
		delete: db.delete(blobs).where(owned).returning(INFO).prepare(),
		usage: storageUsageStatements(db)
	};
}

/**
 * Which blobs each user owns, and their bytes on the user's `storage_usage` (the counter the
 * relay's StorageQuota reads), changed in the same transaction as each row.
 */
export class BlobsRepository {
	readonly #statements: ReturnType<typeof statements>;
	readonly #add: (userId: string, sha256: string, size: number, quotaBytes: number) => AddOutcome;
	readonly #remove: (userId: string, sha256: string) => BlobInfo | undefined;

	constructor(db: Db) {
		const s = (this.#statements = statements(db));
		const transaction = db.$client.transaction.bind(db.$client);
		this.#add = transaction((userId: string, sha256: string, size: number, quotaBytes: number) => {
			if (s.find.get({ userId, sha256 })) return 'exists';
			if (this.usage(userId) + size > quotaBytes) return 'over_quota';
			s.insert.run({ userId, sha256, size, now: Date.now() });
			s.usage.add.run({ userId, bytes: size });
			return 'added';
		});
		this.#remove = transaction((userId: string, sha256: string) => {
			const removed = s.delete.get({ userId, sha256 });
			if (removed) s.usage.add.run({ userId, bytes: -removed.size });
			return removed;
		});
	}

	find(userId: string, sha256: string): BlobInfo | undefined {
		return this.#statements.find.get({ userId, sha256 });
	}

	list(userId: string): BlobInfo[] {
		return this.#statements.list.all({ userId });
	}

	/** Everything the user holds: documents and blobs. */
	usage(userId: string): number {
		return this.#statements.usage.read.get({ userId })?.bytes ?? 0;
	}

	blobBytes(userId: string): number {
		return this.#statements.blobBytes.get({ userId })?.bytes ?? 0;
	}

	/** Records the blob when its bytes fit the user's quota, checked in the same transaction. */
	add(userId: string, sha256: string, size: number, quotaBytes: number): AddOutcome {
		return this.#add(userId, sha256, size, quotaBytes);
	}

	/** Forgets the blob and frees its bytes; undefined when the user had no such blob. */
	remove(userId: string, sha256: string): BlobInfo | undefined {
		return this.#remove(userId, sha256);
	}
}
