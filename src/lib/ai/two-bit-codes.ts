/**
 * Two-bit codes of a vector matrix's rows, for a coarse scan that finds candidates for an exact
 * re-rank. Each dimension is cut at -t, 0 and t (t: the mean magnitude of that dimension) into
 * four levels, each standing for the mean of the values that fall in it; four dimensions share a
 * byte, and a row is padded to whole 32-bit words, read one word at a time. A query scores a row
 * by table lookups, one per byte: for each byte position the query's dot product with all 256
 * level patterns is worked out once per query.
 */
export class TwoBitCodes {
	readonly bytesPerRow: number;
	readonly #wordsPerRow: number;
	#codes: Uint32Array;
	/** Per dimension: the cut t, and the four levels' values. */
	readonly #cuts: Float32Array;
	readonly #levels: Float32Array;
	#table: Float32Array;

	/** Fitted to `rows` rows of `data` (row-major, `dims` wide), which it then encodes. */
	constructor(
		readonly dims: number,
		data: Float32Array,
		rows: number
	) {
		this.#wordsPerRow = Math.ceil(dims / 16);
		this.bytesPerRow = this.#wordsPerRow * 4;
		this.#cuts = new Float32Array(dims);
		this.#levels = new Float32Array(dims * 4);
		this.#table = new Float32Array(this.bytesPerRow * 256);
		this.#codes = new Uint32Array(this.#wordsPerRow * Math.max(rows, 1024));
		this.#fit(data, rows);
		for (let row = 0; row < rows; row++) this.encode(row, data, row * dims);
	}

	/** Writes the code of data[offset, offset + dims) as row `row`. */
	encode(row: number, data: Float32Array, offset: number): void {
		const { dims } = this;
		const words = this.#wordsPerRow;
		if ((row + 1) * words > this.#codes.length) this.#grow(row + 1);
		const at = row * words;
		this.#codes.fill(0, at, at + words);
		// Dimension d: bits 2(d mod 16) of word d / 16, so byte j of a word holds dims 4j..4j+3.
		for (let d = 0; d < dims; d++) {
			this.#codes[at + (d >> 4)] |= this.#levelOf(data[offset + d], d) << ((d & 15) * 2);
		}
	}

	/** Row `to` takes row `from`'s code (the matrix fills a deleted row with its last one). */
	move(from: number, to: number): void {
		const words = this.#wordsPerRow;
		this.#codes.copyWithin(to * words, from * words, (from + 1) * words);
	}

	/**
	 * Approximate query · row for the first `rows` rows into `scores`; returns the range every
	 * score lies in, for bucketing them.
	 */
	score(query: Float32Array, rows: number, scores: Float32Array): { min: number; max: number } {
		const range = this.#fillTable(query);
		const table = this.#table;
		const codes = this.#codes;
		const words = this.#wordsPerRow;
		for (let row = 0, at = 0; row < rows; row++, at += words) {
			let sum = 0;
			for (let w = 0, base = 0; w < words; w++, base += 1024) {
				const word = codes[at + w];
				sum +=
					table[base | (word & 255)] +
					table[base | 256 | ((word >>> 8) & 255)] +
					table[base | 512 | ((word >>> 16) & 255)] +
					table[base | 768 | (word >>> 24)];
			}
			scores[row] = sum;
		}
		return range;
	}

	#fillTable(query: Float32Array): { min: number; max: number } {
		const { dims, bytesPerRow } = this;
		const levels = this.#levels;
		const table = this.#table;
		let min = 0;
		let max = 0;
		for (let j = 0; j < bytesPerRow; j++) {
			let low = Infinity;
			let high = -Infinity;
			for (let pattern = 0; pattern < 256; pattern++) {
				let sum = 0;
				for (let k = 0; k < 4; k++) {
					const d = j * 4 + k;
					if (d >= dims) break;
					sum += query[d] * levels[d * 4 + ((pattern >> (k * 2)) & 3)];
				}
				table[(j << 8) | pattern] = sum;
				if (sum < low) low = sum;
				if (sum > high) high = sum;
			}
			min += low;
			max += high;
		}
		return { min, max };
	}

	#levelOf(value: number, d: number): number {
		const cut = this.#cuts[d];
		return value < -cut ? 0 : value < 0 ? 1 : value < cut ? 2 : 3;
	}

	#fit(data: Float32Array, rows: number): void {
		const { dims } = this;
		const cuts = this.#cuts;
		for (let row = 0; row < rows; row++) {
			for (let d = 0; d < dims; d++) cuts[d] += Math.abs(data[row * dims + d]);
		}
		for (let d = 0; d < dims; d++) cuts[d] /= Math.max(rows, 1);
		const sums = this.#levels;
		const counts = new Float32Array(dims * 4);
		for (let row = 0; row < rows; row++) {
			for (let d = 0; d < dims; d++) {
				const value = data[row * dims + d];
				const slot = d * 4 + this.#levelOf(value, d);
				sums[slot] += value;
				counts[slot]++;
			}
		}
		for (let slot = 0; slot < sums.length; slot++) {
			sums[slot] = counts[slot] > 0 ? sums[slot] / counts[slot] : 0;
		}
	}

	#grow(rows: number): void {
		const words = this.#wordsPerRow;
		const bigger = new Uint32Array(Math.max(rows, (this.#codes.length / words) * 2) * words);
		bigger.set(this.#codes);
		this.#codes = bigger;
	}
}
