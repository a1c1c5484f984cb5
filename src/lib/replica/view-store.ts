import * as Y from 'yjs';
import { contentHash } from '$sync/content-hash';
import { listThoughts, readThought, type StoredThought, type Thought } from '$sync/doc/shard-doc';
import type { ThoughtId } from '$sync/ids';
import { expandTags, parseTags } from '$sync/tags';
import { tallyRow, type ThoughtRow, type TrashRow, type ViewChanges, type ViewDb } from './view-db';

/**
 * The view store materialises every thought from the Yjs docs into rows of the device database,
 * so the timeline and search never need to load a shard, and keeps the shard checkpoints and
 * pending marks that tell what the view still lacks.
 */

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

/** Empties the thoughts, their tallies and the trash (inside a transaction over the three). */
export async function clearRows(db: ViewDb): Promise<void> {
	await db.thoughts.clear();
	await db.tallies.clear();
	await db.trash.clear();
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

/** A live thought's row, or null and its trash row when it is in the trash. */
function rowsOf(thought: StoredThought, shard: number): [ThoughtRow | null, TrashRow | null] {
	const row = toRow(thought, shard);
	return thought.deletedAt === null
		? [row, null]
		: [null, { ...row, deletedAt: thought.deletedAt }];
}

/** Replaces the trash rows among `ids` that belong to the shard with `put`. */
async function writeTrash(
	db: ViewDb,
	shard: number,
	put: readonly TrashRow[],
	ids: readonly ThoughtId[]
): Promise<void> {
	const before = await db.trash.bulkGet([...ids]);
	await db.trash.bulkDelete(before.filter((row) => row?.shard === shard).map((row) => row!.id));
	await db.trash.bulkPut([...put]);
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
	const rows: ThoughtRow[] = [];
	const trashed: TrashRow[] = [];
	for (const thought of listThoughts(doc)) {
		const [row, trashRow] = rowsOf(thought, shard);
		if (row) rows.push(row);
		if (trashRow) trashed.push(trashRow);
	}
	const live = new Set(rows.map((row) => row.id));
	const changes = new Map<ThoughtId, ThoughtRow | null>(rows.map((row) => [row.id, row]));
	await db.transaction('rw', [db.thoughts, db.trash, db.checkpoints, db.tallies], async () => {
		const stale = (await db.thoughts.where('shard').equals(shard).primaryKeys()).filter(
			(id) => !live.has(id)
		);
		for (const id of stale) changes.set(id, null);
		await writeRows(db, rows, stale);
		await writeTrash(db, shard, trashed, await db.trash.where('shard').equals(shard).primaryKeys());
		await db.checkpoints.put({ shard, state: docState(doc), dirty: false });
	});
	return changes;
}

/**
 * Writes the current doc state of the given thoughts (a missing thought deletes its row, a
 * trashed one moves to the trash) and returns what changed in the live rows.
 */
export async function applyToView(
	db: ViewDb,
	shard: number,
	doc: Y.Doc,
	ids: Iterable<ThoughtId>
): Promise<ViewChanges> {
	const put: ThoughtRow[] = [];
	const trashed: TrashRow[] = [];
	const removed: ThoughtId[] = [];
	const all = [...ids];
	for (const id of all) {
		const thought = readThought(doc, id);
		const [row, trashRow] = thought ? rowsOf(thought, shard) : [null, null];
		if (row) put.push(row);
		else removed.push(id);
		if (trashRow) trashed.push(trashRow);
	}
	const state = docState(doc);
	const changes = new Map<ThoughtId, ThoughtRow | null>(put.map((row) => [row.id, row]));
	await db.transaction('rw', [db.thoughts, db.trash, db.checkpoints, db.tallies], async () => {
		// A thought removed here may live in another shard (an undone delete re-added elsewhere).
		const rows = await db.thoughts.bulkGet(removed);
		removed.forEach((id, i) =>
			changes.set(id, rows[i]?.shard === shard ? null : (rows[i] ?? null))
		);
		const owned = rows.filter((row) => row?.shard === shard).map((row) => row!.id);
		await writeRows(db, put, owned);
		await writeTrash(db, shard, trashed, all);
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

/** The shards a view catch-up reads (a ShardSet). */
export interface ShardSource {
	doc(n: number): Promise<Y.Doc>;
	closeInactive(): Promise<void>;
}

/**
 * Opens any shard the view is missing or that a previous session edited (it may have died
 * before the view caught up). The open shard waits for prepareWrites; others stay closed.
 */
export async function catchUpView(
	view: ViewDb,
	shards: ShardSource,
	numbers: readonly number[]
): Promise<void> {
	const known = await materialisedShards(view);
	const needed = new Set(await dirtyShards(view));
	for (const n of numbers) if (!known.has(n)) needed.add(n);
	for (const n of needed) {
		const doc = await shards.doc(n);
		if (!(await isCurrent(view, n, doc))) await materialiseShard(view, n, doc);
	}
	await shards.closeInactive();
}
