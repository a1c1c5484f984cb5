import type { ThoughtId } from '$sync/ids';
import type { ThoughtRow, ViewDb } from './view-store';

/**
 * The vectors of one embedding job for one model, in one row: IndexedDB costs per row (50,000
 * rows took 3.3–4.4 s in Chromium whatever their size, BENCHMARKS.md), so a row per thought made
 * indexing slow. A later block (higher key) supersedes earlier entries for the same thought; an
 * entry whose thought is gone or whose hash no longer matches its view row is dead until
 * compaction drops it. Nothing is written on deletion: the view row is the truth.
 */
export interface VectorBlock {
	key?: number;
	model: string;
	/** Entries in the block; indexed with the model so counting reads no vectors. */
	size: number;
	ids: ThoughtId[];
	/** The content hash each vector was computed from. */
	hashes: string[];
	/** size × dims: row i is the vector of ids[i]. */
	vectors: Float32Array;
}

/** One thought's vector from one model; `hash` is the content hash it was computed from. */
export interface StoredVector {
	id: ThoughtId;
	hash: string;
	vector: Float32Array;
}

export const VECTOR_BLOCK_STORE = '++key, model, [model+size]';

/** Entries per block when rewriting, as many as a static model's embedding job. */
const BLOCK_SIZE = 1024;
/** Compact once more than this share of stored entries is dead… */
const MAX_DEAD_SHARE = 0.25;
/** …or once single edits have left this many more blocks than full ones would need. */
const MAX_EXTRA_BLOCKS = 64;

export function toBlock(model: string, entries: readonly StoredVector[]): VectorBlock {
	const dims = entries[0]?.vector.length ?? 0;
	const vectors = new Float32Array(entries.length * dims);
	entries.forEach((entry, i) => vectors.set(entry.vector, i * dims));
	const ids = entries.map((entry) => entry.id);
	return { model, size: entries.length, ids, hashes: entries.map((e) => e.hash), vectors };
}

/** Full blocks, in order, for entries of one model. */
export function toBlocks(model: string, entries: readonly StoredVector[]): VectorBlock[] {
	const blocks: VectorBlock[] = [];
	for (let i = 0; i < entries.length; i += BLOCK_SIZE) {
		blocks.push(toBlock(model, entries.slice(i, i + BLOCK_SIZE)));
	}
	return blocks;
}

/**
 * The model's live vectors (the latest entry of each thought, if its hash matches the thought's
 * row) and the rows they were checked against. Rewrites the blocks when too much is dead.
 */
export async function loadVectors(
	db: ViewDb,
	model: string
): Promise<{ rows: ThoughtRow[]; vectors: StoredVector[] }> {
	// An index lists equal keys in primary key order: oldest block first.
	const blocks = await db.vectorBlocks.where('model').equals(model).toArray();
	const rows = await db.thoughts.toArray();
	const latest = new Map<ThoughtId, StoredVector>();
	let total = 0;
	for (const { size, ids, hashes, vectors } of blocks) {
		const dims = vectors.length / size;
		ids.forEach((id, i) =>
			latest.set(id, { id, hash: hashes[i], vector: vectors.subarray(i * dims, (i + 1) * dims) })
		);
		total += size;
	}
	const hashes = new Map(rows.map((row) => [row.id, row.hash]));
	const live = [...latest.values()].filter((entry) => hashes.get(entry.id) === entry.hash);
	const isWasteful =
		total - live.length > total * MAX_DEAD_SHARE ||
		blocks.length > Math.ceil(live.length / BLOCK_SIZE) + MAX_EXTRA_BLOCKS;
	if (isWasteful)
		await compact(
			db,
			model,
			blocks.map((block) => block.key!),
			live
		);
	return { rows, vectors: live };
}

/**
 * Replaces the given blocks with full blocks of the live entries, in one transaction: a crash
 * keeps either the old blocks or the new ones. Skipped if a block was written since the load,
 * as the rewrite would supersede its newer entries; the next load tries again.
 */
async function compact(
	db: ViewDb,
	model: string,
	keys: readonly number[],
	live: readonly StoredVector[]
): Promise<void> {
	await db.transaction('rw', db.vectorBlocks, async () => {
		const now = await db.vectorBlocks.where('model').equals(model).primaryKeys();
		if (now.length !== keys.length || now.some((key, i) => key !== keys[i])) return;
		await db.vectorBlocks.bulkDelete([...keys]);
		await db.vectorBlocks.bulkAdd(toBlocks(model, live));
	});
}

/** Entries stored per model (dead ones too, as they take space) and the width of a vector. */
export async function vectorCounts(
	db: ViewDb
): Promise<{ model: string; count: number; dims: number }[]> {
	const keys = (await db.vectorBlocks.orderBy('[model+size]').keys()) as unknown as [
		string,
		number
	][];
	const counts = new Map<string, number>();
	for (const [model, size] of keys) counts.set(model, (counts.get(model) ?? 0) + size);
	return Promise.all(
		[...counts].map(async ([model, count]) => {
			const first = await db.vectorBlocks.where('model').equals(model).first();
			return { model, count, dims: first ? first.vectors.length / first.size : 0 };
		})
	);
}
