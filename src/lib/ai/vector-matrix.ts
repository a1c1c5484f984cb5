import { topK, type Scored } from './rank-fusion';

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
		function* scored() {
			for (let row = 0, offset = 0; row < ids.length; row++, offset += dims) {
				let dot = 0;
				for (let d = 0; d < dims; d++) dot += query[d] * data[offset + d];
				if (dot >= minScore && ids[row] !== exclude) yield { id: ids[row], score: dot };
			}
		}
		return topK(scored(), k);
	}

	#grow(): void {
		const bigger = new Float32Array(this.#data.length * 2);
		bigger.set(this.#data);
		this.#data = bigger;
	}
}
