import { TopK, type Scored } from './rank-fusion';

/**
 * Unit vectors of one model in one contiguous Float32Array (row per thought): a brute-force
 * cosine scan walks memory in order, far faster than chasing one small array per thought.
 * Deleting moves the last row into the gap, so the matrix stays dense.
 */
export class VectorMatrix<Id> {
	#ids: Id[] = [];
	#rows = new Map<Id, number>();
	#data: Float32Array;

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
	}

	delete(id: Id): void {
		const row = this.#rows.get(id);
		if (row === undefined) return;
		const last = this.#ids.length - 1;
		if (row !== last) {
			const moved = this.#ids[last];
			this.#data.copyWithin(row * this.dims, last * this.dims, (last + 1) * this.dims);
			this.#ids[row] = moved;
			this.#rows.set(moved, row);
		}
		this.#ids.pop();
		this.#rows.delete(id);
	}

	/** The k rows most similar to `query` (dot product of unit vectors) at or above minScore. */
	nearest(query: Float32Array, k: number, minScore: number, exclude?: Id): Scored<Id>[] {
		const { dims } = this;
		const data = this.#data;
		const ids = this.#ids;
		// No generator and no object per row: at 50,000 rows the scan is most of a search.
		const top = new TopK<Id>(k);
		for (let row = 0, offset = 0; row < ids.length; row++, offset += dims) {
			const dot = dotAt(query, data, offset, dims);
			if (dot >= minScore && top.accepts(dot) && ids[row] !== exclude) {
				top.add({ id: ids[row], score: dot });
			}
		}
		return top.items;
	}

	#grow(): void {
		const bigger = new Float32Array(this.#data.length * 2);
		bigger.set(this.#data);
		this.#data = bigger;
	}
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
