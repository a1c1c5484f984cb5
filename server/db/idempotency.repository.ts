import type Database from 'better-sqlite3';

export interface StoredAnswer {
	status: number;
	body: string;
}

/** Answers kept this long; an outbox older than that replays as a new request. */
const KEEP_MS = 7 * 24 * 60 * 60 * 1000;

/** The first answer to each (user, idempotency key), so a retried request applies once. */
export class IdempotencyRepository {
	readonly #get: Database.Statement<[string, string], StoredAnswer>;
	readonly #save: Database.Statement<[string, string, number, string, number]>;
	readonly #prune: Database.Statement<[number]>;

	constructor(sqlite: Database.Database) {
		this.#get = sqlite.prepare(
			'SELECT status, body FROM idempotency_keys WHERE user_id = ? AND key = ?'
		);
		this.#save = sqlite.prepare(
			`INSERT INTO idempotency_keys (user_id, key, status, body, created_at) VALUES (?, ?, ?, ?, ?)
			 ON CONFLICT DO NOTHING`
		);
		this.#prune = sqlite.prepare('DELETE FROM idempotency_keys WHERE created_at < ?');
	}

	get(userId: string, key: string): StoredAnswer | undefined {
		return this.#get.get(userId, key);
	}

	save(userId: string, key: string, answer: StoredAnswer, now = Date.now()): void {
		this.#save.run(userId, key, answer.status, answer.body, now);
	}

	prune(now = Date.now()): number {
		return this.#prune.run(now - KEEP_MS).changes;
	}
}
