import type * as Y from 'yjs';
import { migrateRoot, observeShards } from '$sync/doc/root-doc';
import {
	addThought,
	readThought,
	restoreThought,
	setPinned,
	setVisibility,
	trashThought,
	type StoredThought,
	type Thought,
	type ThoughtFields,
	type Visibility
} from '$sync/doc/shard-doc';
import { parseDocName, rootDocName } from '$sync/doc-names';
import { LOCAL_USER, newThoughtId, type ThoughtId, type UserId } from '$sync/ids';
import {
	importThoughts,
	readAllThoughts,
	rebuildView,
	type BulkTarget,
	type ImportOutcome,
	type Progress
} from './bulk-thoughts';
import { openPersistedDoc, type PersistedDoc } from './persisted-doc';
import { ReplicaError } from './replica-error';
import { ReplicaModels } from './replica-models';
import { ReplicaTrash, type RemovedThought } from './replica-trash';
import { SchemaGuard } from './schema-guard';
import { LOCAL_EDIT, ShardSet, type ShardEvents } from './shard-set';
import { TextWriter } from './text-writer';
import { ViewDb, type ViewChanges } from './view-db';
import { catchUpView, lastPendingSeq } from './view-store';

export type { ImportOutcome } from './bulk-thoughts';
export type { RemovedThought } from './replica-trash';

/** When no screen has asked for it sooner, the open shard loads this long after opening. */
const REPAIR_DELAY_MS = 1000;

type ChangeListener = (changes: ViewChanges) => void;

/** Told when a document is opened or closed on this device (the sync client attaches to it). */
export type DocWatcher = Pick<ShardEvents, 'opened' | 'closed'>;

/** A new thought is private unless the person chose otherwise in the capture box. */
export interface CaptureOptions {
	visibility?: Visibility;
	createdAt?: number;
}

/**
 * The device's copy of one user's docs: the root doc, the shards opened so far, and the view
 * store they materialise into. Every write goes to Yjs (persisted by y-indexeddb) first;
 * observers then update the view, whatever the origin of the change (this tab, another tab,
 * the relay).
 */
export class Replica {
	readonly userId: UserId;
	readonly view: ViewDb;
	/** The user's model registry (it lives in the root doc). */
	readonly models: ReplicaModels;
	/** "Recently deleted": restore, remove for good, empty. */
	readonly trash: ReplicaTrash;
	#root: PersistedDoc;
	#shards: ShardSet;
	#guard = new SchemaGuard();
	#text = new TextWriter((id) => this.#writableShardOf(id));
	#listeners = new Set<ChangeListener>();
	#watchers = new Set<DocWatcher>();
	#openShardRepair: Promise<void> | undefined;
	#trashPurge: Promise<void> | undefined;
	#repairTimer: ReturnType<typeof setTimeout> | undefined;
	#isClosing = false;

	private constructor(userId: UserId, root: PersistedDoc, view: ViewDb, pendingSeq: number) {
		this.userId = userId;
		this.#root = root;
		this.view = view;
		this.models = new ReplicaModels(root.doc, this.#guard);
		this.#shards = new ShardSet({
			userId,
			root: root.doc,
			view,
			guard: this.#guard,
			events: {
				changed: (changes) => this.#emit(changes),
				opened: (name, doc) => this.#watchers.forEach((w) => w.opened(name, doc)),
				closed: (name) => this.#watchers.forEach((w) => w.closed(name))
			},
			tracksPending: userId !== LOCAL_USER,
			lastPendingSeq: pendingSeq
		});
		this.trash = new ReplicaTrash(view, this.#shards, this.#guard);
	}

	static async open(userId: UserId): Promise<Replica> {
		const view = new ViewDb(userId);
		const root = await openPersistedDoc(rootDocName(userId));
		const replica = new Replica(userId, root, view, await lastPendingSeq(view));
		replica.#guard.check(migrateRoot(root.doc));
		await catchUpView(view, replica.#shards, replica.shardNumbers);
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
			: this.#shards.repair(this.#shards.openShard).catch((error: unknown) => {
					// A capture opens the shard again and reports the failure where it is seen.
					console.error('The open shard could not be loaded', error);
				});
		// An account's replica purges only once it has synced everything (the sync client calls
		// sweepTrash): a purge must never beat a restore made on a device not heard from yet.
		if (this.userId === LOCAL_USER) void this.sweepTrash();
		return this.#openShardRepair;
	}

	/** Once per session, after the open shard: what has been in the trash for 30 days goes. */
	sweepTrash(): Promise<void> {
		this.#trashPurge ??= (this.#openShardRepair ?? this.prepareWrites()).then(() =>
			this.#isClosing ? undefined : this.trash.sweep()
		);
		return this.#trashPurge;
	}

	/** True when a newer app version wrote these docs: this build must not write to them. */
	get isReadOnly(): boolean {
		return this.#guard.isReadOnly;
	}

	/** Told once if a shard opened later turns out to be from a newer app version. */
	onReadOnly(listener: () => void): () => void {
		return this.#guard.onReadOnly(listener);
	}

	get shardNumbers(): number[] {
		return this.#shards.numbers;
	}

	onChange(listener: ChangeListener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	onShardsChanged(listener: () => void): () => void {
		return observeShards(this.#root.doc, listener);
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
		return this.#shards.visit(n, work);
	}

	/** The relay has acknowledged every change to this doc so far: its pending thoughts synced. */
	confirmSynced(name: string): void {
		const parsed = parseDocName(name);
		if (parsed?.kind === 'shard') this.#shards.confirmSynced(parsed.shard);
	}

	async capture(
		text: string,
		{ visibility = 'private', createdAt = Date.now() }: CaptureOptions = {}
	): Promise<ThoughtId> {
		if (!text.trim()) throw new ReplicaError('empty', 'A thought needs some text.');
		const id = newThoughtId(createdAt);
		const fields: ThoughtFields = { text, createdAt, visibility, pinned: false };
		const doc = await this.#shards.docForWrite(await this.#shards.withRoom());
		addThought(doc, id, fields, LOCAL_EDIT);
		return id;
	}

	edit(id: ThoughtId, text: string): Promise<void> {
		return this.#text.set(id, text);
	}

	/** Ticks or clears a task box, in the doc's current text; false when nothing changed. */
	setTask(id: ThoughtId, index: number, checked: boolean): Promise<boolean> {
		return this.#text.setTask(id, index, checked);
	}

	async setPinned(id: ThoughtId, pinned: boolean): Promise<void> {
		setPinned(await this.#writableShardOf(id), id, pinned, LOCAL_EDIT);
	}

	async setVisibility(id: ThoughtId, visibility: Visibility): Promise<void> {
		setVisibility(await this.#writableShardOf(id), id, visibility, LOCAL_EDIT);
	}

	/** Moves a thought to the trash ("Recently deleted"); the result lets undo bring it back. */
	async remove(id: ThoughtId, now = Date.now()): Promise<RemovedThought> {
		const shard = await this.#shardOf(id);
		const doc = await this.#shards.docForWrite(shard);
		const thought = readThought(doc, id);
		if (!thought) throw new ReplicaError('not-found', 'That thought no longer exists.');
		trashThought(doc, id, now, LOCAL_EDIT);
		return { thought, shard };
	}

	/** Undoes `remove`: out of the trash, or re-added as it was if the trash was emptied since. */
	async restore({ thought, shard }: RemovedThought): Promise<void> {
		const doc = await this.#shards.docForWrite(shard);
		const isThere = restoreThought(doc, thought.id, LOCAL_EDIT);
		if (!isThere) addThought(doc, thought.id, thought, LOCAL_EDIT);
	}

	/** Reads a thought from its doc, which may be ahead of the view. */
	async get(id: ThoughtId): Promise<StoredThought | null> {
		const shard = await this.#findShard(id);
		return shard === null ? null : readThought(await this.#shards.doc(shard), id);
	}

	/** Adds the thoughts whose ids are new here; returns how many were added and skipped. */
	importThoughts(thoughts: readonly Thought[], onProgress?: Progress): Promise<ImportOutcome> {
		return importThoughts(this.#bulk, thoughts, onProgress);
	}

	/** Every thought but the trash, read from the docs (the source of truth), oldest first. */
	allThoughts(onProgress?: Progress): Promise<Thought[]> {
		return readAllThoughts(this.#shards, onProgress);
	}

	/** Rebuilds the whole view from the docs (a repair tool; never needed in normal use). */
	async rebuildView(onProgress?: Progress): Promise<void> {
		await rebuildView(this.#bulk, onProgress);
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
		await this.#trashPurge;
		await this.#shards.flush();
		await this.#shards.closeAll();
		for (const watcher of this.#watchers) watcher.closed(this.#root.name);
		await this.#root.close();
		this.view.close();
	}

	get #bulk(): BulkTarget {
		return { view: this.view, shards: this.#shards, flush: () => this.flush() };
	}

	async #findShard(id: ThoughtId): Promise<number | null> {
		const row = async () => (await this.view.thoughts.get(id)) ?? (await this.view.trash.get(id));
		return (await this.#shards.findOpen(id)) ?? (await row())?.shard ?? null;
	}

	async #shardOf(id: ThoughtId): Promise<number> {
		const shard = await this.#findShard(id);
		if (shard === null) throw new ReplicaError('not-found', 'That thought no longer exists.');
		return shard;
	}

	/** The doc of a live thought, for writing: one in the trash must be restored first. */
	async #writableShardOf(id: ThoughtId): Promise<Y.Doc> {
		const doc = await this.#shards.docForWrite(await this.#shardOf(id));
		const deletedAt = readThought(doc, id)?.deletedAt;
		if (deletedAt === null) return doc;
		const where = deletedAt === undefined ? 'no longer exists' : 'is in Recently deleted';
		throw new ReplicaError('not-found', `That thought ${where}.`);
	}

	#emit(changes: ViewChanges): void {
		for (const listener of this.#listeners) listener(changes);
	}
}
