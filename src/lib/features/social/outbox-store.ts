import Dexie, { type Table } from 'dexie';

/** One social action waiting to reach the server, in the order it was taken. */
export interface OutboxAction {
	seq?: number;
	/** Sent as Idempotency-Key: the server applies each key once, however often it is retried. */
	key: string;
	method: 'POST' | 'DELETE';
	path: string;
	body?: unknown;
	/** What the person sees while it waits, e.g. "Like" or "Reply to @ana". */
	label: string;
	createdAt: number;
}

/** Per account, so one person's queued actions never run under another's session. */
export class OutboxDb extends Dexie {
	actions!: Table<OutboxAction, number>;

	constructor(userId: string) {
		super(`t10x-outbox:${userId}`);
		this.version(1).stores({ actions: '++seq' });
	}
}
