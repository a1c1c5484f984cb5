import type { ThoughtId } from '$sync/ids';

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

/** Entries per block when rewriting, as many as a static model's embedding job. */
export const BLOCK_SIZE = 1024;

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

export function blockDims(block: VectorBlock): number {
	return block.size === 0 ? 0 : block.vectors.length / block.size;
}

/** Each thought's entry from the last block that holds it; the vectors are views, not copies. */
export function latestEntries(blocks: readonly VectorBlock[]): Map<ThoughtId, StoredVector> {
	const latest = new Map<ThoughtId, StoredVector>();
	for (const block of blocks) {
		const dims = blockDims(block);
		block.ids.forEach((id, i) =>
			latest.set(id, {
				id,
				hash: block.hashes[i],
				vector: block.vectors.subarray(i * dims, (i + 1) * dims)
			})
		);
	}
	return latest;
}
