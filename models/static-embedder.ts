import { UNKNOWN_ID } from '../sync/ai/tokenizer';

/**
 * The built-in model's maths in plain TypeScript: the oracle that the model build, the ONNX
 * graph's tests, the evaluation and the benchmarks check against. The app never runs it: where
 * the worker cannot, the server runs the same ONNX file.
 * Row r of the table is `values[r*dims .. r*dims+dims) * scales[r]` (int8, per-row scale);
 * row 0 is all zeros. Embedding = L2-normalise(masked mean of the rows of the known ids).
 */
export interface StaticTable {
	dims: number;
	values: Int8Array;
	scales: Float32Array;
}

/** Below this norm a vector counts as zero (all words unknown) and stays zero. */
export const NORM_EPSILON = 1e-12;

export function embedIds(ids: Int32Array, table: StaticTable): Float32Array {
	const { dims, values, scales } = table;
	const sum = new Float64Array(dims);
	let count = 0;
	for (const id of ids) {
		if (id === UNKNOWN_ID || id >= scales.length) continue;
		count++;
		const scale = scales[id];
		for (let d = 0; d < dims; d++) sum[d] += values[id * dims + d] * scale;
	}
	const out = new Float32Array(dims);
	if (count === 0) return out;
	let norm = 0;
	for (let d = 0; d < dims; d++) norm += (sum[d] / count) ** 2;
	const divisor = Math.max(Math.sqrt(norm), NORM_EPSILON);
	for (let d = 0; d < dims; d++) out[d] = sum[d] / count / divisor;
	return out;
}

/** Dot product of two unit vectors: their cosine similarity. */
export function cosine(a: Float32Array, b: Float32Array): number {
	let dot = 0;
	for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
	return dot;
}
