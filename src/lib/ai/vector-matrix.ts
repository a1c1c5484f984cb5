import { TopK, type Scored } from './rank-fusion';
import { TwoBitCodes } from './two-bit-codes';

/** Below this many rows the exact scan is already under a millisecond; codes only cost memory. */
export const QUANTISED_MIN_ROWS = 16_384;
const SCORE_BUCKETS = 2048;

/**
 * Unit vectors of one model in one contiguous Float32Array (row per thought): a brute-force
 * cosine scan walks memory in order, far faster than chasing one small array per thought.
 * Deleting moves the last row into the gap, so the matrix stays dense.
 */
export class VectorMatrix<Id> {
	#ids: Id[] = [];
	#rows = new Map<Id, number>();
	#data: Float32Array;
	/** Two-bit codes of the rows, fitted once the matrix is large, refitted when it doubles. */
	#codes: TwoBitCodes | null = null;
	#codedAt = 0;
	#scores = new Float32Array(0);

	constructor(
		readonly dims: number,
		capacity = 1024
	) {
		this.#data = new Float32Array(dims * capacity);
	}

	get size(): number {
		return this.#ids.length;
	}

	get(id: Id): Float32Array | undefined {
		const row = this.#rows.get(id);
		return row === undefined ? undefined : this.#data.slice(row * this.dims, (row + 1) * this.dims);
	}

	set(id: Id, vector: Float32Array): void {
		if (vector.length !== this.dims)
			throw new Error(`Expected ${this.dims} dims, got ${vector.length}`);
		let row = this.#rows.get(id);
		if (row === undefined) {
			row = this.#ids.length;
			if ((row + 1) * this.dims > this.#data.length) this.#grow();
			this.#ids.push(id);
			this.#rows.set(id, row);
		}
		this.#data.set(vector, row * this.dims);
		this.#codes?.encode(row, this.#data, row * this.dims);
	}

	delete(id: Id): void {
		const row = this.#rows.get(id);
		if (row === undefined) return;
		const last = this.#ids.length - 1;
		if (row !== last) {
			const moved = this.#ids[last];
			this.#data.copyWithin(row * this.dims, last * this.dims, (last + 1) * this.dims);
			this.#codes?.move(last, row);
			this.#ids[row] = moved;
			this.#rows.set(moved, row);
		}
		this.#ids.pop();
		this.#rows.delete(id);
	}

	/**
	 * The k rows most similar to `query` (dot product of unit vectors) at or above minScore. A large
	 * matrix is scanned by its two-bit codes first and only the best candidates are scored exactly,
	 * so every score returned is exact; the rare row the coarse scan ranks too low is missed (the
	 * recall against nearestExact is tested and benchmarked).
	 */
	nearest(query: Float32Array, k: number, minScore: number, exclude?: Id): Scored<Id>[] {
		const rows = this.size;
		if (rows < QUANTISED_MIN_ROWS) return this.nearestExact(query, k, minScore, exclude);
		if (this.#scores.length < rows) this.#scores = new Float32Array(this.#data.length / this.dims);
		const range = this.#fittedCodes().score(query, rows, this.#scores);
		const cut = cutForBest(this.#scores, rows, range, candidatesFor(k, rows));
		return this.#best(query, k, minScore, exclude, (row) => this.#scores[row] >= cut);
	}

	/** nearest by scoring every row exactly. */
	nearestExact(query: Float32Array, k: number, minScore: number, exclude?: Id): Scored<Id>[] {
		return this.#best(query, k, minScore, exclude);
	}

	/** The exact top k of the rows `isCandidate` lets through (every row when left out). */
	#best(
		query: Float32Array,
		k: number,
		minScore: number,
		exclude: Id | undefined,
		isCandidate?: (row: number) => boolean
	): Scored<Id>[] {
		const { dims } = this;
		const data = this.#data;
		const ids = this.#ids;
		// No generator and no object per row: at 50,000 rows the scan is most of a search.
		const top = new TopK<Id>(k);
		for (let row = 0, offset = 0; row < ids.length; row++, offset += dims) {
			if (isCandidate && !isCandidate(row)) continue;
			const dot = dotAt(query, data, offset, dims);
			if (dot >= minScore && top.accepts(dot) && ids[row] !== exclude) {
				top.add({ id: ids[row], score: dot });
			}
		}
		return top.items;
	}

	#fittedCodes(): TwoBitCodes {
		if (!this.#codes || this.size >= 2 * this.#codedAt) {
			this.#codes = new TwoBitCodes(this.dims, this.#data, this.size);
			this.#codedAt = this.size;
		}
		return this.#codes;
	}

	#grow(): void {
		const bigger = new Float32Array(this.#data.length * 2);
		bigger.set(this.#data);
		this.#data = bigger;
	}
}

/** How many coarse candidates an exact re-rank needs for k results: 2% of the rows, at least 10k. */
function candidatesFor(k: number, rows: number): number {
	return Math.min(rows, Math.max(10 * k, Math.ceil(rows / 50)));
}

/**
 * A score such that at least `wanted` of scores[0, rows) reach it, found by bucketing them:
 * two linear passes instead of a sort or a heap of thousands.
 */
function cutForBest(
	scores: Float32Array,
	rows: number,
	{ min, max }: { min: number; max: number },
	wanted: number
): number {
	const counts = new Uint32Array(SCORE_BUCKETS);
	const scale = (SCORE_BUCKETS - 1) / Math.max(max - min, 1e-9);
	for (let row = 0; row < rows; row++) counts[Math.floor((scores[row] - min) * scale)]++;
	let seen = 0;
	for (let bucket = SCORE_BUCKETS - 1; bucket > 0; bucket--) {
		seen += counts[bucket];
		if (seen >= wanted) return min + bucket / scale;
	}
	return -Infinity;
}

/** query · data[offset, offset + dims): four sums at once, which the CPU runs in parallel. */
function dotAt(query: Float32Array, data: Float32Array, offset: number, dims: number): number {
	let a = 0;
	let b = 0;
	let c = 0;
	let e = 0;
	let d = 0;
	for (; d + 3 < dims; d += 4) {
		a += query[d] * data[offset + d];
		b += query[d + 1] * data[offset + d + 1];
		c += query[d + 2] * data[offset + d + 2];
		e += query[d + 3] * data[offset + d + 3];
	}
	for (; d < dims; d++) a += query[d] * data[offset + d];
	return a + b + c + e;
}
