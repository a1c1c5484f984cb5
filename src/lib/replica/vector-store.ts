import { BLOCK_SIZE, blockDims, latestEntries, toBlocks, type StoredVector } from './vector-block';
import type { ThoughtRow, ViewDb } from './view-db';

/** Compact once more than this share of stored entries is dead… */
const MAX_DEAD_SHARE = 0.25;
/** …or once single edits have left this many more blocks than full ones would need. */
const MAX_EXTRA_BLOCKS = 64;

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
	const latest = latestEntries(blocks);
	const total = blocks.reduce((sum, block) => sum + block.size, 0);
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
			return { model, count, dims: first ? blockDims(first) : 0 };
		})
	);
}
