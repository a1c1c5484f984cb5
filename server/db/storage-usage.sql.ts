import { eq, sql } from 'drizzle-orm';
import { excluded } from './excluded.sql';
import type { Db } from './open';
import { param } from './param.sql';
import { storageUsage } from './schema';

/**
 * The per-user byte counter every stored thing keeps (`storage_usage`): `add` a signed delta
 * inside the transaction that stores or frees the bytes, `read` what the user holds in all.
 */
export function storageUsageStatements(db: Db) {
	return {
		add: db
			.insert(storageUsage)
			.values({ userId: param('userId'), bytes: param('bytes') })
			.onConflictDoUpdate({
				target: storageUsage.userId,
				set: { bytes: sql`${storageUsage.bytes} + ${excluded(storageUsage.bytes)}` }
			})
			.prepare(),
		read: db
			.select({ bytes: storageUsage.bytes })
			.from(storageUsage)
			.where(eq(storageUsage.userId, param('userId')))
			.prepare()
	};
}
