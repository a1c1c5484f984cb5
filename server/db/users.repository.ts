import { eq } from 'drizzle-orm';
import type { Db } from './open';
import { users } from './schema';

export type UserRow = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

export class UsersRepository {
	constructor(private readonly db: Db) {}

	findByUsername(username: string): UserRow | undefined {
		return this.db.select().from(users).where(eq(users.username, username)).get();
	}

	findById(id: string): UserRow | undefined {
		return this.db.select().from(users).where(eq(users.id, id)).get();
	}

	/** The name of the plan the user is on; undefined for no such user. */
	planOf(id: string): string | undefined {
		return this.db.select({ plan: users.plan }).from(users).where(eq(users.id, id)).get()?.plan;
	}

	/** Moves the user to another plan; false for no such username. */
	setPlan(username: string, plan: string): boolean {
		return (
			this.db.update(users).set({ plan }).where(eq(users.username, username)).run().changes === 1
		);
	}

	/** Returns false when the username is taken (the unique index decides, not a race-prone read). */
	insert(row: NewUser): boolean {
		const result = this.db.insert(users).values(row).onConflictDoNothing().run();
		return result.changes === 1;
	}
}
