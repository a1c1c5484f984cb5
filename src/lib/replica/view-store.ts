import Dexie, { type Table } from 'dexie';
import * as Y from 'yjs';
import { contentHash } from '$sync/content-hash';
import { listThoughts, readThought, type Thought, type Visibility } from '$sync/doc/shard-doc';
import type { ThoughtId, UserId } from '$sync/ids';
import { expandTags, parseTags } from '$sync/tags';
import { VECTOR_BLOCK_STORE, toBlocks, type StoredVector, type VectorBlock } from './vector-store';

/**
 * The view store materialises every thought from the Yjs docs into indexed rows, so the
 * timeline and search never need to load a shard. It can always be rebuilt from the docs.
 */
export interface ThoughtRow {
	id: ThoughtId;
	shard: number;
	text: string;
	/** Tags as written in the text. */
	tags: string[];
	/** Tags plus their ancestors (`a/b` → `a`, `a/b`), for filtering. */
	tagIndex: string[];
	createdAt: number;
	/** 1 or 0: IndexedDB cannot index booleans. */
	pinned: 0 | 1;
	visibility: Visibility;
	hash: string;
}

/** The shard state the view last materialised, and whether a session edited it since. */
export interface ShardCheckpoint {
	shard: number;
	/** State vector plus delete set: a deletion changes no state vector, only the delete set. */
	state: Uint8Array;
	dirty: boolean;
}

/** The key of the capture box's draft in the drafts table. */
export const CAPTURE_DRAFT = 'capture';

export interface Draft {
	key: string;
	text: string;
}

/** A thought changed on this device that the relay has not acknowledged yet. */
export interface PendingMark {
	id: ThoughtId;
	shard: number;
	/** Increases with every local change; the relay's acknowledgement clears marks up to one. */
	seq: number;
}

/**
 * How many thoughts carry a tag (ancestors count their descendants' thoughts), or how many
 * thoughts there are in all under `ALL_THOUGHTS`. Written in the same transaction as the rows,
 * so the timeline reads counts without walking 50,000 rows or their tag index.
 */
export interface Tally {
	key: string;
	count: number;
}

/** The tally key of the total (no tag is empty). */
export const ALL_THOUGHTS = '';

/** What a view write did: each changed thought's row now, or null where it has gone. */
export type ViewChanges = ReadonlyMap<ThoughtId, ThoughtRow | null>;

/** One inference job, as the AI usage screen shows it. */
export interface InferenceRecord {
	seq?: number;
	at: number;
	model: string;
	version: string;
	backend: string;
	batch: number;
	inputChars: number;
	inputTokens: number;
	queueMs: number;
	runMs: number;
}

export class ViewDb extends Dexie {
	thoughts!: Table<ThoughtRow, ThoughtId>;
	checkpoints!: Table<ShardCheckpoint, number>;
	drafts!: Table<Draft, string>;
	pending!: Table<PendingMark, ThoughtId>;
	vectorBlocks!: Table<VectorBlock, number>;
	inferences!: Table<InferenceRecord, number>;
	tallies!: Table<Tally, string>;

	constructor(userId: UserId) {
		super(`t10x-view:${userId}`);
		this.version(1).stores({
			thoughts: 'id, shard, createdAt, [pinned+createdAt], *tagIndex',
			checkpoints: 'shard',
			drafts: 'key'
		});
		this.version(2).stores({ pending: 'id, shard, seq' });
		this.version(3).stores({ vectors: '[id+model], model', inferences: '++seq, at' });
		this.version(4)
			.stores({ tallies: 'key' })
			.upgrade(async (tx) => {
				const counts = new Map<string, number>();
				await tx.table<ThoughtRow>('thoughts').each((row) => tallyRow(counts, row, 1));
				await tx.table<Tally>('tallies').bulkPut(toTallies(counts));
			});
		// Moves existing vectors into blocks: dropping them would re-embed every thought, slowly with
		// a transformer model.
		this.version(5)
			.stores({ vectors: null, vectorBlocks: VECTOR_BLOCK_STORE })
			.upgrade(async (tx) => {
				const byModel = new Map<string, StoredVector[]>();
				await tx.table<StoredVector & { model: string }>('vectors').each(({ model, ...entry }) => {
					const entries = byModel.get(model) ?? [];
					entries.push(entry);
					byModel.set(model, entries);
				});
				const blocks = [...byModel].flatMap(([model, entries]) => toBlocks(model, entries));
				await tx.table<VectorBlock>('vectorBlocks').bulkAdd(blocks);
			});
	}
}

function tallyRow(counts: Map<string, number>, row: ThoughtRow, by: 1 | -1): void {
	for (const key of [ALL_THOUGHTS, ...row.tagIndex]) counts.set(key, (counts.get(key) ?? 0) + by);
}

function toTallies(counts: Map<string, number>): Tally[] {
	return [...counts].map(([key, count]) => ({ key, count }));
}

/**
 * Deletes and writes rows, keeping the tallies in step. Call it inside a transaction over
 * thoughts and tallies: counts and rows then never disagree, even if the tab dies.
 */
export async function writeRows(
	db: ViewDb,
	put: readonly ThoughtRow[],
	remove: readonly ThoughtId[]
): Promise<void> {
	const counts = new Map<string, number>();
	const before = await db.thoughts.bulkGet([...remove, ...put.map((row) => row.id)]);
	for (const row of before) if (row) tallyRow(counts, row, -1);
	for (const row of put) tallyRow(counts, row, 1);
	await db.thoughts.bulkDelete([...remove]);
	await db.thoughts.bulkPut([...put]);
	const keys = [...counts].filter(([, by]) => by !== 0).map(([key]) => key);
	const current = await db.tallies.bulkGet(keys);
	const next = keys.map((key, i) => ({ key, count: (current[i]?.count ?? 0) + counts.get(key)! }));
	await db.tallies.bulkDelete(next.filter((t) => t.count <= 0).map((t) => t.key));
	await db.tallies.bulkPut(next.filter((t) => t.count > 0));
}

/** Empties the thoughts and their tallies (inside a transaction over both). */
export async function clearRows(db: ViewDb): Promise<void> {
	await db.thoughts.clear();
	await db.tallies.clear();
}

export function toRow(thought: Thought, shard: number): ThoughtRow {
	const tags = parseTags(thought.text);
	return {
		id: thought.id,
		shard,
		text: thought.text,
		tags,
		tagIndex: expandTags(tags),
		createdAt: thought.createdAt,
		pinned: thought.pinned ? 1 : 0,
		visibility: thought.visibility,
		hash: contentHash(thought.text)
	};
}

function docState(doc: Y.Doc): Uint8Array {
	return Y.encodeSnapshot(Y.snapshot(doc));
}

function sameState(a: Uint8Array | undefined, b: Uint8Array): boolean {
	return a !== undefined && a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** True when the view already holds exactly this doc state for the shard. */
export async function isCurrent(db: ViewDb, shard: number, doc: Y.Doc): Promise<boolean> {
	const checkpoint = await db.checkpoints.get(shard);
	return !!checkpoint && !checkpoint.dirty && sameState(checkpoint.state, docState(doc));
}

/** Replaces every row of the shard with the doc's thoughts and returns what it wrote. */
export async function materialiseShard(
	db: ViewDb,
	shard: number,
	doc: Y.Doc
): Promise<ViewChanges> {
	const rows = listThoughts(doc).map((thought) => toRow(thought, shard));
	const live = new Set(rows.map((row) => row.id));
	const changes = new Map<ThoughtId, ThoughtRow | null>(rows.map((row) => [row.id, row]));
	await db.transaction('rw', db.thoughts, db.checkpoints, db.tallies, async () => {
		const stale = (await db.thoughts.where('shard').equals(shard).primaryKeys()).filter(
			(id) => !live.has(id)
		);
		for (const id of stale) changes.set(id, null);
		await writeRows(db, rows, stale);
		await db.checkpoints.put({ shard, state: docState(doc), dirty: false });
	});
	return changes;
}

/**
 * Writes the current doc state of the given thoughts (a missing thought deletes its row) and
 * returns what changed.
 */
export async function applyToView(
	db: ViewDb,
	shard: number,
	doc: Y.Doc,
	ids: Iterable<ThoughtId>
): Promise<ViewChanges> {
	const put: ThoughtRow[] = [];
	const removed: ThoughtId[] = [];
	for (const id of ids) {
		const thought = readThought(doc, id);
		if (thought) put.push(toRow(thought, shard));
		else removed.push(id);
	}
	const state = docState(doc);
	const changes = new Map<ThoughtId, ThoughtRow | null>(put.map((row) => [row.id, row]));
	await db.transaction('rw', db.thoughts, db.checkpoints, db.tallies, async () => {
		// A thought removed here may live in another shard (an undone delete re-added elsewhere).
		const rows = await db.thoughts.bulkGet(removed);
		removed.forEach((id, i) =>
			changes.set(id, rows[i]?.shard === shard ? null : (rows[i] ?? null))
		);
		const owned = rows.filter((row) => row?.shard === shard).map((row) => row!.id);
		await writeRows(db, put, owned);
		const checkpoint = await db.checkpoints.get(shard);
		await db.checkpoints.put({ shard, state, dirty: checkpoint?.dirty ?? false });
	});
	return changes;
}

/** Marks a shard as edited this session: if the tab dies before the view catches up, the next
 * start re-materialises it. */
export async function markDirty(db: ViewDb, shard: number): Promise<void> {
	await db.transaction('rw', db.checkpoints, async () => {
		const checkpoint = await db.checkpoints.get(shard);
		await db.checkpoints.put({
			shard,
			state: checkpoint?.state ?? new Uint8Array(),
			dirty: true
		});
	});
}

/** Records that the view holds exactly this doc state, written by nobody since. */
export async function markClean(db: ViewDb, shard: number, doc: Y.Doc): Promise<void> {
	await db.checkpoints.put({ shard, state: docState(doc), dirty: false });
}

export async function dirtyShards(db: ViewDb): Promise<number[]> {
	return (await db.checkpoints.toArray()).filter((c) => c.dirty).map((c) => c.shard);
}

export async function materialisedShards(db: ViewDb): Promise<Set<number>> {
	return new Set(await db.checkpoints.toCollection().primaryKeys());
}

export async function markPending(
	db: ViewDb,
	shard: number,
	ids: Iterable<ThoughtId>,
	seq: number
): Promise<void> {
	await db.pending.bulkPut([...ids].map((id) => ({ id, shard, seq })));
}

/** Clears the shard's marks made up to `seq`: the relay holds everything before that moment. */
export async function clearPending(db: ViewDb, shard: number, seq: number): Promise<void> {
	await db.pending
		.where('shard')
		.equals(shard)
		.filter((mark) => mark.seq <= seq)
		.delete();
}

export async function lastPendingSeq(db: ViewDb): Promise<number> {
	return (await db.pending.orderBy('seq').last())?.seq ?? 0;
}
