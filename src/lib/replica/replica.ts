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
	listThoughts,
	readThought,
	removeThought,
	setPinned,
	setVisibility,
	setThoughtText,
	thoughtCount,
	type Thought,
	type ThoughtFields,
	type Visibility
} from '$sync/doc/shard-doc';
import type { MigrationOutcome } from '$sync/doc/migrations';
import {
	activeEmbedderId,
	listModels,
	observeModels,
	registerModel,
	setActiveEmbedder,
	type ModelEntry
} from '$sync/doc/model-registry';
import { parseDocName, rootDocName } from '$sync/doc-names';
import { LOCAL_USER, newThoughtId, type ThoughtId, type UserId } from '$sync/ids';
import { openPersistedDoc, type PersistedDoc } from './persisted-doc';
import { LOCAL_EDIT, ShardSet } from './shard-set';
import {
	ViewDb,
	clearRows,
	dirtyShards,
	isCurrent,
	lastPendingSeq,
	materialiseShard,
	materialisedShards,
	type ViewChanges
} from './view-store';
/** When no screen has asked for it sooner, the open shard loads this long after opening. */
const REPAIR_DELAY_MS = 1000;

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

type ChangeListener = (changes: ViewChanges) => void;
type Progress = (done: number, total: number) => void;

/** Told when a document is opened or closed on this device (the sync client attaches to it). */
export interface DocWatcher {
	opened(name: string, doc: Y.Doc): void;
	closed(name: string): void;
}

const IMPORT_CHUNK = 250;

/**
 * The device's copy of one user's docs: the root doc, the shards opened so far, and the view
 * store they materialise into. Every write goes to Yjs (persisted by y-indexeddb) first;
 * observers then update the view, whatever the origin of the change (this tab, another tab,
 * the relay).
 */
export class Replica {
	readonly userId: UserId;
	readonly view: ViewDb;
	#root: PersistedDoc;
	#shards: ShardSet;
	#listeners = new Set<ChangeListener>();
	#watchers = new Set<DocWatcher>();
	#newerSchema = false;
	#openShardRepair: Promise<void> | undefined;
	#repairTimer: ReturnType<typeof setTimeout> | undefined;
	#isClosing = false;
	#readOnlyListeners = new Set<() => void>();

	private constructor(userId: UserId, root: PersistedDoc, view: ViewDb, pendingSeq: number) {
		this.userId = userId;
		this.#root = root;
		this.view = view;
		this.#shards = new ShardSet(
			userId,
			view,
			{
				changed: (changes) => this.#emit(changes),
				opened: (name, doc) => this.#watchers.forEach((w) => w.opened(name, doc)),
				closed: (name) => this.#watchers.forEach((w) => w.closed(name)),
				migrated: (outcome) => this.#checkMigration(outcome)
			},
			userId !== LOCAL_USER,
			pendingSeq
		);
	}

	static async open(userId: UserId): Promise<Replica> {
		const view = new ViewDb(userId);
		const root = await openPersistedDoc(rootDocName(userId));
		const replica = new Replica(userId, root, view, await lastPendingSeq(view));
		replica.#checkMigration(migrateRoot(root.doc));
		await replica.#catchUpView();
		replica.#repairTimer = setTimeout(() => void replica.prepareWrites(), REPAIR_DELAY_MS);
		return replica;
	}

	/**
	 * Loads the shard new thoughts go into and repairs its view rows if a tab died mid-write.
	 * Kept off the first paint (the timeline reads only the view): the thoughts screen calls this
	 * once it has painted, and a timer does on any other screen. Idempotent.
	 */
	prepareWrites(): Promise<void> {
		clearTimeout(this.#repairTimer);
		this.#openShardRepair ??= this.#isClosing
			? Promise.resolve()
			: this.#shards.repair(openShardNumber(this.#root.doc)).catch((error: unknown) => {
					// A capture opens the shard again and reports the failure where it is seen.
					console.error('The open shard could not be loaded', error);
				});
		return this.#openShardRepair;
	}

	/** True when a newer app version wrote these docs: this build must not write to them. */
	get isReadOnly(): boolean {
		return this.#newerSchema;
	}

	/** Told once if a shard opened later turns out to be from a newer app version. */
	onReadOnly(listener: () => void): () => void {
		this.#readOnlyListeners.add(listener);
		return () => this.#readOnlyListeners.delete(listener);
	}

	get shardNumbers(): number[] {
		return shardNumbers(this.#root.doc);
	}

	onChange(listener: ChangeListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	onShardsChanged(listener: () => void): () => void {
		return observeShards(this.#root.doc, listener);
	}

	/** The model registry lives in the root doc, so every device of the user shares it. */
	get models(): ModelEntry[] {
		return listModels(this.#root.doc);
	}

	get activeEmbedderId(): string | null {
		return activeEmbedderId(this.#root.doc);
	}

	registerModel(entry: ModelEntry): void {
		registerModel(this.#root.doc, entry);
	}

	setActiveEmbedder(id: string): void {
		setActiveEmbedder(this.#root.doc, id);
	}

	onModelsChanged(listener: () => void): () => void {
		return observeModels(this.#root.doc, listener);
	}

	/** Reports the docs open now, then every open and close, until the returned stop is called. */
	async watchDocs(watcher: DocWatcher): Promise<() => void> {
		this.#watchers.add(watcher);
		watcher.opened(this.#root.name, this.#root.doc);
		for (const { name, doc } of await this.#shards.openDocs()) watcher.opened(name, doc);
		return () => this.#watchers.delete(watcher);
	}

	/** Opens a shard for the duration of `work` (e.g. a background sync), then closes it again. */
	visitShard(n: number, work: (doc: Y.Doc) => Promise<void>): Promise<void> {
		return this.#shards.visit(n, work, openShardNumber(this.#root.doc));
	}

	/** The relay has acknowledged every change to this doc so far: its pending thoughts synced. */
	confirmSynced(name: string): void {
		const parsed = parseDocName(name);
		if (parsed?.kind === 'shard') this.#shards.confirmSynced(parsed.shard);
	}

	async capture(text: string, createdAt = Date.now()): Promise<ThoughtId> {
		if (!text.trim()) throw new ReplicaError('empty', 'A thought needs some text.');
		const id = newThoughtId(createdAt);
		const fields: ThoughtFields = { text, createdAt, visibility: 'private', pinned: false };
		const doc = await this.#writable(await this.#openShardWithRoom());
		addThought(doc, id, fields, LOCAL_EDIT);
		return id;
	}

	async edit(id: ThoughtId, text: string): Promise<void> {
		setThoughtText(await this.#writable(await this.#shardOf(id)), id, text, LOCAL_EDIT);
	}

	async setPinned(id: ThoughtId, pinned: boolean): Promise<void> {
		setPinned(await this.#writable(await this.#shardOf(id)), id, pinned, LOCAL_EDIT);
	}

	async setVisibility(id: ThoughtId, visibility: Visibility): Promise<void> {
		setVisibility(await this.#writable(await this.#shardOf(id)), id, visibility, LOCAL_EDIT);
	}

	async remove(id: ThoughtId): Promise<RemovedThought> {
		const shard = await this.#shardOf(id);
		const doc = await this.#writable(shard);
		const thought = readThought(doc, id);
		if (!thought) throw new ReplicaError('not-found', 'That thought no longer exists.');
		removeThought(doc, id, LOCAL_EDIT);
		return { thought, shard };
	}

	async restore({ thought, shard }: RemovedThought): Promise<void> {
		const doc = await this.#writable(shard);
		if (!readThought(doc, thought.id)) addThought(doc, thought.id, thought, LOCAL_EDIT);
	}

	/** Reads a thought from its doc, which may be ahead of the view. */
	async get(id: ThoughtId): Promise<Thought | null> {
		const shard = await this.#findShard(id);
		return shard === null ? null : readThought(await this.#shards.doc(shard), id);
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
			const doc = await this.#writable(await this.#openShardWithRoom());
			const room = SHARD_CAPACITY - thoughtCount(doc);
			const chunk = queue.slice(done, done + Math.min(room, IMPORT_CHUNK));
			doc.transact(() => {
				for (const thought of chunk) addThought(doc, thought.id, thought);
			}, LOCAL_EDIT);
			done += chunk.length;
			await this.flush();
			onProgress?.(done, queue.length);
		}
		await this.#closeInactive();
		return { added: queue.length, skipped: thoughts.length - queue.length };
	}

	/** Every thought, read from the docs themselves (the source of truth), oldest first. */
	async allThoughts(onProgress?: Progress): Promise<Thought[]> {
		const numbers = this.shardNumbers;
		const all: Thought[] = [];
		for (const [i, n] of numbers.entries()) {
			all.push(...listThoughts(await this.#shards.doc(n)));
			onProgress?.(i + 1, numbers.length);
		}
		await this.#closeInactive();
		return all.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
	}

	/** Rebuilds the whole view from the docs (a repair tool; never needed in normal use). */
	async rebuildView(onProgress?: Progress): Promise<void> {
		await this.flush();
		const { thoughts, checkpoints, tallies } = this.view;
		await this.view.transaction('rw', thoughts, checkpoints, tallies, async () => {
			await clearRows(this.view);
			await checkpoints.clear();
		});
		const numbers = this.shardNumbers;
		for (const [i, n] of numbers.entries()) {
			await materialiseShard(this.view, n, await this.#shards.doc(n));
			onProgress?.(i + 1, numbers.length);
		}
		await this.#closeInactive();
		this.#emit(new Map());
	}

	/** Resolves once every change seen so far is in the view. */
	async flush(): Promise<void> {
		await this.prepareWrites();
		await this.#shards.flush();
	}

	async close(): Promise<void> {
		this.#isClosing = true;
		clearTimeout(this.#repairTimer);
		await this.#openShardRepair;
		await this.#shards.flush();
		await this.#shards.closeAll();
		for (const watcher of this.#watchers) watcher.closed(this.#root.name);
		await this.#root.close();
		this.view.close();
	}

	#checkMigration(outcome: MigrationOutcome): void {
		if (outcome.status !== 'newer' || this.#newerSchema) return;
		this.#newerSchema = true;
		for (const listener of this.#readOnlyListeners) listener();
	}

	/**
	 * Opens any shard the view is missing or that a previous session edited (it may have died
	 * before the view caught up). The open shard waits for prepareWrites; others stay closed.
	 */
	async #catchUpView(): Promise<void> {
		const known = await materialisedShards(this.view);
		const needed = new Set(await dirtyShards(this.view));
		for (const n of this.shardNumbers) if (!known.has(n)) needed.add(n);
		for (const n of needed) {
			const doc = await this.#shards.doc(n);
			if (!(await isCurrent(this.view, n, doc))) await materialiseShard(this.view, n, doc);
		}
		await this.#closeInactive();
	}

	async #openShardWithRoom(): Promise<number> {
		const current = openShardNumber(this.#root.doc);
		if (thoughtCount(await this.#shards.doc(current)) < SHARD_CAPACITY) return current;
		addShard(this.#root.doc, current + 1);
		return current + 1;
	}

	async #writable(n: number): Promise<Y.Doc> {
		if (this.#newerSchema) {
			throw new ReplicaError(
				'newer-schema',
				'These thoughts were saved by a newer version of Thoughts10x. Reload to update.'
			);
		}
		return this.#shards.docForWrite(n);
	}

	async #findShard(id: ThoughtId): Promise<number | null> {
		return (await this.#shards.findOpen(id)) ?? (await this.view.thoughts.get(id))?.shard ?? null;
	}

	async #shardOf(id: ThoughtId): Promise<number> {
		const shard = await this.#findShard(id);
		if (shard === null) throw new ReplicaError('not-found', 'That thought no longer exists.');
		return shard;
	}

	#closeInactive(): Promise<void> {
		return this.#shards.closeAllBut(openShardNumber(this.#root.doc));
	}

	#emit(changes: ViewChanges): void {
		for (const listener of this.#listeners) listener(changes);
	}
}
