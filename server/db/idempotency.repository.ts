import { and, eq, lt } from 'drizzle-orm';
import { param } from './param.sql';
import type { Db } from './open';
import { idempotencyKeys } from './schema';

export interface StoredAnswer {
	status: number;
	body: string;
}

/** Answers kept this long; an outbox older than that replays as a new request. */
const KEEP_MS = 7 * 24 * 60 * 60 * 1000;

/** Prepared once: every social mutation reads and writes its key. */
function statements(db: Db) {
	return {
		get: db
			.select({ status: idempotencyKeys.status, body: idempotencyKeys.body })
			.from(idempotencyKeys)
			.where(
				and(eq(idempotencyKeys.userId, param('userId')), eq(idempotencyKeys.key, param('key')))
			)
			.prepare(),
		save: db
			.insert(idempotencyKeys)
			.values({
				userId: param('userId'),
				key: param('key'),
				status: param('status'),
				body: param('body'),
				createdAt: param('now')
			})
			.onConflictDoNothing()
			.prepare(),
		prune: db
			.delete(idempotencyKeys)
			.where(lt(idempotencyKeys.createdAt, param('before')))
			.prepare()
	};
}

/** The first answer to each (user, idempotency key), so a retried request applies once. */
export class IdempotencyRepository {
	readonly #statements: ReturnType<typeof statements>;

	constructor(db: Db) {
		this.#statements = statements(db);
	}

	get(userId: string, key: string): StoredAnswer | undefined {
		return this.#statements.get.get({ userId, key });
	}

	save(userId: string, key: string, answer: StoredAnswer, now = Date.now()): void {
		this.#statements.save.run({ userId, key, status: answer.status, body: answer.body, now });
	}

	prune(now = Date.now()): number {
		return this.#statements.prune.run({ before: now - KEEP_MS }).changes;
	}
}
