import type * as Y from 'yjs';
import {
	addShard,
	migrateRoot,
	observeShards,
	openShardNumber,
	shardNumbers
} from '$sync/doc/root-doc';
import {
	SHARD_CAPACITY,
	addThought,
	hasThought,
	listThoughts,
	migrateShard,
	observeThoughts,
	readThought,
	removeThought,
	setPinned,
	setThoughtText,
	thoughtCount,
	type Thought,
	type ThoughtFields
} from '$sync/doc/shard-doc';
import type { MigrationOutcome } from '$sync/doc/migrations';
import { parseDocName, rootDocName, shardDocName } from '$sync/doc-names';
import { LOCAL_USER, newThoughtId, type ThoughtId, type UserId } from '$sync/ids';
import { openPersistedDoc, type PersistedDoc } from './persisted-doc';
import {
	ViewDb,
	applyToView,
	clearPending,
	dirtyShards,
	lastPendingSeq,
	markPending,
	isCurrent,
	markClean,
	markDirty,
	materialiseShard,
	materialisedShards
} from './view-store';

export type ReplicaErrorCode = 'newer-schema' | 'not-found' | 'empty';

export class ReplicaError extends Error {
	constructor(
		readonly code: ReplicaErrorCode,
		message: string
	) {
		super(message);
	}
}

/** What undo needs to bring a deleted thought back exactly as it was. */
export interface RemovedThought {
	thought: Thought;
	shard: number;
}

export interface ImportOutcome {
	added: number;
	skipped: number;
}

type ChangeListener = (ids: ReadonlySet<ThoughtId>) => void;

/** Told when a document is opened or closed on this device (the sync client attaches to it). */
export interface DocWatcher {
	opened(name: string, doc: Y.Doc): void;
	closed(name: string): void;
}
type Progress = (done: number, total: number) => void;

const LOCAL_EDIT = Symbol('local-edit');
const IMPORT_CHUNK = 250;

interface OpenShard {
	persisted: PersistedDoc;
	stopObserving: () => void;
	/** Serialises view writes so they land in the order the doc changed. */
	viewWrites: Promise<void>;
	hasViewFailed: boolean;
}

/**
 * The device's copy of one user's docs: the root doc, the shards opened so far, and the view
 * store they materialise into. Every write goes to Yjs (persisted by y-indexeddb) first;
 * observers then update the view, whatever the origin of the change (this tab, another tab,
 * later the relay).
 */
export class Replica {
	readonly userId: UserId;
	readonly view: ViewDb;
	#root: PersistedDoc;
	#shards = new Map<number, Promise<OpenShard>>();
	#touched = new Set<number>();
	#listeners = new Set<ChangeListener>();
	#watchers = new Set<DocWatcher>();
	/** Shards in use by a visit; they are not closed under it. */
	#visits = new Map<number, number>();
	#newerSchema = false;
	/** Local changes are marked pending only for an account: a local-only device never syncs. */
	#tracksPending: boolean;
	#pendingSeq = 0;

	private constructor(userId: UserId, root: PersistedDoc, view: ViewDb) {
		this.userId = userId;
		this.#root = root;
		this.view = view;
		this.#tracksPending = userId !== LOCAL_USER;
	}

	static async open(userId: UserId): Promise<Replica> {
		const root = await openPersistedDoc(rootDocName(userId));
		const replica = new Replica(userId, root, new ViewDb(userId));
		replica.#pendingSeq = await lastPendingSeq(replica.view);
		replica.#checkMigration(migrateRoot(root.doc));
		await replica.#catchUpView();
		return replica;
	}

	/** True when a newer app version wrote these docs: this build must not write to them. */
	get isReadOnly(): boolean {
		return this.#newerSchema;
	}

	onChange(listener: ChangeListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Reports the docs open now, then every open and close, until the returned stop is called. */
	async watchDocs(watcher: DocWatcher): Promise<() => void> {
		this.#watchers.add(watcher);
		watcher.opened(this.#root.name, this.#root.doc);
		for (const open of this.#shards.values()) {
			const { persisted } = await open;
			watcher.opened(persisted.name, persisted.doc);
		}
		return () => this.#watchers.delete(watcher);
	}

	get shardNumbers(): number[] {
		return shardNumbers(this.#root.doc);
	}

	onShardsChanged(listener: () => void): () => void {
		return observeShards(this.#root.doc, listener);
	}

	/** Opens a shard for the duration of `work` (e.g. a background sync), then closes it again. */
	async visitShard(n: number, work: (doc: Y.Doc) => Promise<void>): Promise<void> {
		this.#visits.set(n, (this.#visits.get(n) ?? 0) + 1);
		try {
			await work((await this.#open(n)).persisted.doc);
		} finally {
			const left = (this.#visits.get(n) ?? 1) - 1;
			if (left > 0) this.#visits.set(n, left);
			else this.#visits.delete(n);
			await this.#closeInactiveShards();
		}
	}

	/**
	 * The relay has acknowledged every change to this doc made so far: the thoughts marked
	 * pending in it are synced. Runs in the shard's write queue, after the marks it clears.
	 */
	confirmSynced(name: string): void {
		const shard = parseDocName(name);
		if (shard?.kind !== 'shard') return;
		const upTo = this.#pendingSeq;
		const open = this.#shards.get(shard.shard);
		const clear = () => clearPending(this.view, shard.shard, upTo);
		if (!open) {
			void clear();
			return;
		}
		void open.then((s) => {
			s.viewWrites = s.viewWrites.then(clear);
		});
	}

	async capture(text: string, createdAt = Date.now()): Promise<ThoughtId> {
		if (!text.trim()) throw new ReplicaError('empty', 'A thought needs some text.');
		const id = newThoughtId(createdAt);
		const fields: ThoughtFields = { text, createdAt, visibility: 'private', pinned: false };
		const { doc } = await this.#writableShard(await this.#openShardWithRoom());
		addThought(doc, id, fields, LOCAL_EDIT);
		return id;
	}

	async edit(id: ThoughtId, text: string): Promise<void> {
		const doc = await this.#docOf(id);
		setThoughtText(doc, id, text, LOCAL_EDIT);
	}

	async setPinned(id: ThoughtId, pinned: boolean): Promise<void> {
		const doc = await this.#docOf(id);
		setPinned(doc, id, pinned, LOCAL_EDIT);
	}

	async remove(id: ThoughtId): Promise<RemovedThought> {
		const shard = await this.#shardOf(id);
		const doc = await this.#docOf(id);
		const thought = readThought(doc, id);
		if (!thought) throw new ReplicaError('not-found', 'That thought no longer exists.');
		removeThought(doc, id, LOCAL_EDIT);
		return { thought, shard };
	}

	async restore({ thought, shard }: RemovedThought): Promise<void> {
		const { doc } = await this.#writableShard(shard);
		if (!readThought(doc, thought.id)) addThought(doc, thought.id, thought, LOCAL_EDIT);
	}

	/** Reads a thought from its doc, which may be ahead of the view. */
	async get(id: ThoughtId): Promise<Thought | null> {
		const shard = await this.#findShard(id);
		return shard === null ? null : readThought((await this.#open(shard)).persisted.doc, id);
	}

	/** Adds the thoughts whose ids are new here; returns how many were added and skipped. */
	async importThoughts(
		thoughts: readonly Thought[],
		onProgress?: Progress
	): Promise<ImportOutcome> {
		const known = await this.view.thoughts.bulkGet(thoughts.map((t) => t.id));
		const fresh = new Map<ThoughtId, Thought>();
		thoughts.forEach((t, i) => {
			if (!known[i] && !fresh.has(t.id)) fresh.set(t.id, t);
		});
		const queue = [...fresh.values()].sort((a, b) => a.createdAt - b.createdAt);
		let done = 0;
		while (done < queue.length) {
			const shard = await this.#openShardWithRoom();
			const { doc } = await this.#writableShard(shard);
			const room = SHARD_CAPACITY - thoughtCount(doc);
			const chunk = queue.slice(done, done + Math.min(room, IMPORT_CHUNK));
			doc.transact(() => {
				for (const thought of chunk) addThought(doc, thought.id, thought);
			}, LOCAL_EDIT);
			done += chunk.length;
			await this.flush();
			onProgress?.(done, queue.length);
		}
		await this.#closeInactiveShards();
		return { added: queue.length, skipped: thoughts.length - queue.length };
	}

	/** Every thought, read from the docs themselves (the source of truth), oldest first. */
	async allThoughts(onProgress?: Progress): Promise<Thought[]> {
		const numbers = shardNumbers(this.#root.doc);
		const all: Thought[] = [];
		for (const [i, n] of numbers.entries()) {
			all.push(...listThoughts((await this.#open(n)).persisted.doc));
			onProgress?.(i + 1, numbers.length);
		}
		await this.#closeInactiveShards();
		return all.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
	}

	/** Rebuilds the whole view from the docs (a repair tool; never needed in normal use). */
	async rebuildView(onProgress?: Progress): Promise<void> {
		await this.flush();
		await this.view.transaction('rw', this.view.thoughts, this.view.checkpoints, async () => {
			await this.view.thoughts.clear();
			await this.view.checkpoints.clear();
		});
		const numbers = shardNumbers(this.#root.doc);
		for (const [i, n] of numbers.entries()) {
			await materialiseShard(this.view, n, (await this.#open(n)).persisted.doc);
			onProgress?.(i + 1, numbers.length);
		}
		await this.#closeInactiveShards();
		this.#emit(new Set());
	}

	/** Resolves once every change seen so far is in the view. */
	async flush(): Promise<void> {
		for (const open of this.#shards.values()) await (await open).viewWrites;
	}

	async close(): Promise<void> {
		await this.flush();
		for (const n of [...this.#shards.keys()]) await this.#close(n);
		for (const watcher of this.#watchers) watcher.closed(this.#root.name);
		await this.#root.close();
		this.view.close();
	}

	#checkMigration(outcome: MigrationOutcome): void {
		if (outcome.status === 'newer') this.#newerSchema = true;
	}

	/**
	 * Opens the shard new thoughts go into and any shard the view is missing or that a previous
	 * session edited (it may have died before the view caught up). Other shards stay closed.
	 */
	async #catchUpView(): Promise<void> {
		const known = await materialisedShards(this.view);
		const needed = new Set([openShardNumber(this.#root.doc), ...(await dirtyShards(this.view))]);
		for (const n of shardNumbers(this.#root.doc)) if (!known.has(n)) needed.add(n);
		for (const n of needed) {
			const { doc } = (await this.#open(n)).persisted;
			if (!(await isCurrent(this.view, n, doc))) await materialiseShard(this.view, n, doc);
		}
		await this.#closeInactiveShards();
	}

	async #openShardWithRoom(): Promise<number> {
		const current = openShardNumber(this.#root.doc);
		const { doc } = (await this.#open(current)).persisted;
		if (thoughtCount(doc) < SHARD_CAPACITY) return current;
		addShard(this.#root.doc, current + 1);
		return current + 1;
	}

	async #writableShard(n: number): Promise<{ doc: Y.Doc }> {
		if (this.#newerSchema) {
			throw new ReplicaError(
				'newer-schema',
				'These thoughts were saved by a newer version of Thoughts10x. Reload to update.'
			);
		}
		const open = await this.#open(n);
		if (!this.#touched.has(n)) {
			this.#touched.add(n);
			await markDirty(this.view, n);
		}
		return { doc: open.persisted.doc };
	}

	/** Open shards first: the view may not have caught up with a thought written just now. */
	async #findShard(id: ThoughtId): Promise<number | null> {
		for (const [n, open] of this.#shards) {
			if (hasThought((await open).persisted.doc, id)) return n;
		}
		return (await this.view.thoughts.get(id))?.shard ?? null;
	}

	async #shardOf(id: ThoughtId): Promise<number> {
		const shard = await this.#findShard(id);
		if (shard === null) throw new ReplicaError('not-found', 'That thought no longer exists.');
		return shard;
	}

	async #docOf(id: ThoughtId): Promise<Y.Doc> {
		return (await this.#writableShard(await this.#shardOf(id))).doc;
	}

	#open(n: number): Promise<OpenShard> {
		let open = this.#shards.get(n);
		if (!open) {
			open = this.#load(n);
			this.#shards.set(n, open);
		}
		return open;
	}

	async #load(n: number): Promise<OpenShard> {
		const persisted = await openPersistedDoc(shardDocName(this.userId, n));
		this.#checkMigration(migrateShard(persisted.doc));
		const shard: OpenShard = {
			persisted,
			stopObserving: () => {},
			viewWrites: Promise.resolve(),
			hasViewFailed: false
		};
		shard.stopObserving = observeThoughts(persisted.doc, (ids, origin) => {
			const seq = this.#tracksPending && origin === LOCAL_EDIT ? ++this.#pendingSeq : 0;
			shard.viewWrites = shard.viewWrites
				.then(() => applyToView(this.view, n, persisted.doc, ids))
				.then(() => (seq ? markPending(this.view, n, ids, seq) : undefined))
				.then(
					() => this.#emit(ids),
					// The shard stays marked dirty, so the next start re-materialises it.
					(error: unknown) => {
						shard.hasViewFailed = true;
						console.error(`View update for shard ${n} failed`, error);
					}
				);
		});
		for (const watcher of this.#watchers) watcher.opened(persisted.name, persisted.doc);
		return shard;
	}

	async #closeInactiveShards(): Promise<void> {
		const keep = openShardNumber(this.#root.doc);
		for (const n of [...this.#shards.keys()]) {
			if (n !== keep && !this.#visits.has(n)) await this.#close(n);
		}
	}

	async #close(n: number): Promise<void> {
		const open = this.#shards.get(n);
		if (!open) return;
		this.#shards.delete(n);
		const shard = await open;
		await shard.viewWrites;
		shard.stopObserving();
		for (const watcher of this.#watchers) watcher.closed(shard.persisted.name);
		// Every change has reached the view: the next start need not re-check this shard.
		if (this.#touched.delete(n) && !shard.hasViewFailed) {
			await markClean(this.view, n, shard.persisted.doc);
		}
		await shard.persisted.close();
	}

	#emit(ids: ReadonlySet<ThoughtId>): void {
		for (const listener of this.#listeners) listener(ids);
	}
}
