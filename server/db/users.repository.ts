import { eq } from 'drizzle-orm';
import type { Db } from './open';
import { users } from './schema';

export type UserRow = typeof users.$inferSelect;

export class UsersRepository {
	constructor(private readonly db: Db) {}

	findByUsername(username: string): UserRow | undefined {
		return this.db.select().from(users).where(eq(users.username, username)).get();
	}

	findById(id: string): UserRow | undefined {
		return this.db.select().from(users).where(eq(users.id, id)).get();
	}

	/** Returns false when the username is taken (the unique index decides, not a race-prone read). */
	insert(row: UserRow): boolean {
		const result = this.db.insert(users).values(row).onConflictDoNothing().run();
		return result.changes === 1;
	}
}
