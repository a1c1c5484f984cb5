import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from './open';
import { sessions } from './schema';

export type SessionRow = typeof sessions.$inferSelect;

export class SessionsRepository {
	constructor(private readonly db: Db) {}

	insert(row: SessionRow): void {
		this.db.insert(sessions).values(row).run();
	}

	findLiveByTokenHash(tokenHash: string): SessionRow | undefined {
		return this.db
			.select()
			.from(sessions)
			.where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
			.get();
	}

	findLiveById(id: string): SessionRow | undefined {
		return this.db
			.select()
			.from(sessions)
			.where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
			.get();
	}

	listLive(userId: string): SessionRow[] {
		return this.db
			.select()
			.from(sessions)
			.where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
			.orderBy(desc(sessions.lastSeenAt))
			.all();
	}

	touch(id: string, now: number): void {
		this.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id)).run();
	}

	/** Renames one of the user's live sessions; false if it was not theirs or is revoked. */
	rename(userId: string, id: string, deviceName: string): boolean {
		const result = this.db
			.update(sessions)
			.set({ deviceName })
			.where(and(eq(sessions.id, id), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
			.run();
		return result.changes === 1;
	}

	/** Revokes one of the user's sessions; false if it was not theirs or already revoked. */
	revoke(userId: string, id: string, now: number): boolean {
		const result = this.db
			.update(sessions)
			.set({ revokedAt: now })
			.where(and(eq(sessions.id, id), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
			.run();
		return result.changes === 1;
	}
}
