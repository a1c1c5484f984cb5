import type * as Y from 'yjs';
import { addShard, openShardNumber, shardNumbers } from '$sync/doc/root-doc';
import {
	SHARD_CAPACITY,
	hasThought,
	migrateShard,
	observeThoughts,
	thoughtCount
} from '$sync/doc/shard-doc';
import { shardDocName } from '$sync/doc-names';
import type { ThoughtId, UserId } from '$sync/ids';
import { openPersistedDoc, type PersistedDoc } from './persisted-doc';
import type { SchemaGuard } from './schema-guard';
import {
	applyToView,
	clearPending,
	isCurrent,
	markClean,
	markDirty,
	markPending,
	materialiseShard
} from './view-store';
import type { ViewChanges, ViewDb } from './view-db';

/** Transaction origin of edits made on this device (as opposed to other tabs or the relay). */
export const LOCAL_EDIT = Symbol('local-edit');

export interface ShardEvents {
	/** Thoughts whose changes have reached the view, with their rows now. */
	changed(changes: ViewChanges): void;
	opened(name: string, doc: Y.Doc): void;
	closed(name: string): void;
}

export interface ShardSetOptions {
	userId: UserId;
	/** The root doc: which shards exist, and the open one new thoughts go into. */
	root: Y.Doc;
	view: ViewDb;
	guard: SchemaGuard;
	events: ShardEvents;
	/** Only an account's changes await the relay; a local-only device marks nothing pending. */
	tracksPending: boolean;
	lastPendingSeq: number;
}

interface OpenShard {
	persisted: PersistedDoc;
	stopObserving: () => void;
	/** Serialises view writes so they land in the order the doc changed. */
	viewWrites: Promise<void>;
	hasViewFailed: boolean;
}

/**
 * The shard docs a replica has open, each observed into the view store through its own write
 * queue. Shards edited this session are marked dirty until closed cleanly, so a tab that dies
 * between a doc write and its view write is repaired at the next start.
 */
export class ShardSet {
	#open = new Map<number, Promise<OpenShard>>();
	#touched = new Set<number>();
	#visits = new Map<number, number>();
	#pendingSeq: number;
	readonly #userId: UserId;
	readonly #root: Y.Doc;
	readonly #view: ViewDb;
	readonly #guard: SchemaGuard;
	readonly #events: ShardEvents;
	readonly #tracksPending: boolean;

	constructor(options: ShardSetOptions) {
		this.#userId = options.userId;
		this.#root = options.root;
		this.#view = options.view;
		this.#guard = options.guard;
		this.#events = options.events;
		this.#tracksPending = options.tracksPending;
		this.#pendingSeq = options.lastPendingSeq;
	}

	/** Every shard the root lists, in order. */
	get numbers(): number[] {
		return shardNumbers(this.#root);
	}

	/** The shard new thoughts go into; it stays open while others close after use. */
	get openShard(): number {
		return openShardNumber(this.#root);
	}

	async doc(n: number): Promise<Y.Doc> {
		return (await this.#get(n)).persisted.doc;
	}

	/**
	 * Like `doc`, for writing: refused when a newer version wrote these docs, and the first write
	 * of the session marks the shard dirty.
	 */
	async docForWrite(n: number): Promise<Y.Doc> {
		this.#guard.assertWritable();
		const doc = await this.doc(n);
		if (!this.#touched.has(n)) {
			this.#touched.add(n);
			await markDirty(this.#view, n);
		}
		return doc;
	}

	/** The open shard, or a new one once it is full: where the next thought goes. */
	async withRoom(): Promise<number> {
		const current = this.openShard;
		if (thoughtCount(await this.doc(current)) < SHARD_CAPACITY) return current;
		addShard(this.#root, current + 1);
		return current + 1;
	}

	async openDocs(): Promise<PersistedDoc[]> {
		return Promise.all([...this.#open.values()].map(async (open) => (await open).persisted));
	}

	/** The open shard holding a thought (the view may lag behind a write made just now). */
	async findOpen(id: ThoughtId): Promise<number | null> {
		for (const [n, open] of this.#open) if (hasThought((await open).persisted.doc, id)) return n;
		return null;
	}

	/** Opens a shard for the duration of `work`, then closes it again unless it is the open one. */
	async visit(n: number, work: (doc: Y.Doc) => Promise<void>): Promise<void> {
		this.#visits.set(n, (this.#visits.get(n) ?? 0) + 1);
		try {
			await work(await this.doc(n));
		} finally {
			const left = (this.#visits.get(n) ?? 1) - 1;
			if (left > 0) this.#visits.set(n, left);
			else this.#visits.delete(n);
			await this.closeInactive();
		}
	}

	/** Clears pending marks up to now, after the view writes queued so far. */
	confirmSynced(n: number): void {
		const upTo = this.#pendingSeq;
		const clear = () => clearPending(this.#view, n, upTo);
		const open = this.#open.get(n);
		if (!open) return void clear();
		void open.then((shard) => {
			shard.viewWrites = shard.viewWrites.then(clear);
		});
	}

	/**
	 * Opens a shard and, behind its queued view writes, rewrites its rows if they lag behind the
	 * doc (a tab died between a doc write and its view write without marking the shard dirty).
	 */
	async repair(n: number): Promise<void> {
		const shard = await this.#get(n);
		const { doc } = shard.persisted;
		shard.viewWrites = shard.viewWrites
			.then(async () => {
				if (!(await isCurrent(this.#view, n, doc))) {
					this.#events.changed(await materialiseShard(this.#view, n, doc));
				}
			})
			.catch((error: unknown) => {
				// The next start checks the open shard again.
				shard.hasViewFailed = true;
				console.error(`View repair for shard ${n} failed`, error);
			});
		await shard.viewWrites;
	}

	async flush(): Promise<void> {
		for (const open of this.#open.values()) await (await open).viewWrites;
	}

	/** Closes every shard but the open one and those being visited. */
	async closeInactive(): Promise<void> {
		const keep = this.openShard;
		for (const n of [...this.#open.keys()]) {
			if (n !== keep && !this.#visits.has(n)) await this.#close(n);
		}
	}

	async closeAll(): Promise<void> {
		for (const n of [...this.#open.keys()]) await this.#close(n);
	}

	#get(n: number): Promise<OpenShard> {
		let open = this.#open.get(n);
		if (!open) {
			open = this.#load(n);
			this.#open.set(n, open);
		}
		return open;
	}

	async #load(n: number): Promise<OpenShard> {
		const persisted = await openPersistedDoc(shardDocName(this.#userId, n));
		this.#guard.check(migrateShard(persisted.doc));
		const shard: OpenShard = {
			persisted,
			stopObserving: () => {},
			viewWrites: Promise.resolve(),
			hasViewFailed: false
		};
		shard.stopObserving = observeThoughts(persisted.doc, (ids, origin) => {
			const seq = this.#tracksPending && origin === LOCAL_EDIT ? ++this.#pendingSeq : 0;
			shard.viewWrites = shard.viewWrites
				.then(async () => {
					const changes = await applyToView(this.#view, n, persisted.doc, ids);
					if (seq) await markPending(this.#view, n, ids, seq);
					return changes;
				})
				.then(
					(changes) => this.#events.changed(changes),
					// The shard stays marked dirty, so the next start re-materialises it.
					(error: unknown) => {
						shard.hasViewFailed = true;
						console.error(`View update for shard ${n} failed`, error);
					}
				);
		});
		this.#events.opened(persisted.name, persisted.doc);
		return shard;
	}

	async #close(n: number): Promise<void> {
		const open = this.#open.get(n);
		if (!open) return;
		this.#open.delete(n);
		const shard = await open;
		await shard.viewWrites;
		shard.stopObserving();
		this.#events.closed(shard.persisted.name);
		// Every change has reached the view: the next start need not re-check this shard.
		if (this.#touched.delete(n) && !shard.hasViewFailed) {
			await markClean(this.#view, n, shard.persisted.doc);
		}
		await shard.persisted.close();
	}
}
