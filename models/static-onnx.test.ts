import pkg from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { embedIds, type StaticTable } from './static-embedder';
import { padBatch } from '../sync/ai/tokenizer';
import {
	buildStaticEmbedderOnnx,
	INPUT_NAME,
	OPSET,
	OUTPUT_NAME,
	readStaticTable
} from './static-onnx';
import { seededRandom } from '../tests/fixtures/seeded-random';

const { onnx } = pkg;
// Threads only slow this tiny graph down (notes/ai.md §3.5).
ort.env.wasm.numThreads = 1;

const ROWS = 500;
const DIMS = 16;
const ZERO_ROWS = [7, 8, 9];

function randomTable(seed: number): StaticTable {
	const random = seededRandom(seed);
	const values = Int8Array.from({ length: ROWS * DIMS }, () => Math.round(random() * 254) - 127);
	const scales = Float32Array.from({ length: ROWS }, () => random() * 0.05);
	// Row 0 is the unknown word; the other zero rows are known words with no vector.
	for (const row of [0, ...ZERO_ROWS]) values.fill(0, row * DIMS, row * DIMS + DIMS);
	scales[0] = 0;
	return { dims: DIMS, values, scales };
}

const BATCH = [
	[1, 2, 3],
	[0, 0, 0, 0],
	[],
	[ROWS - 1],
	[5, 0, 5, 0, 499, 12, 12, 12, 300, 42, 0, 1],
	[7, 8, 9],
	[7, 100, 0]
].map((ids) => Int32Array.from(ids));

async function runOnnx(model: Uint8Array, batch: Int32Array[]): Promise<Float32Array[]> {
	const session = await ort.InferenceSession.create(model);
	const { ids, length } = padBatch(batch);
	const output = await session.run({
		[INPUT_NAME]: new ort.Tensor('int32', ids, [batch.length, length])
	});
	await session.release();
	const data = output[OUTPUT_NAME].data as Float32Array;
	return batch.map((_, i) => data.slice(i * DIMS, i * DIMS + DIMS));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
	return a.reduce((max, x, i) => Math.max(max, Math.abs(x - b[i])), 0);
}

describe('buildStaticEmbedderOnnx', () => {
	const table = randomTable(42);
	const model = buildStaticEmbedderOnnx(table);

	it('computes what the TypeScript oracle computes, padded rows and unknown words included', async () => {
		const embeddings = await runOnnx(model, BATCH);
		const diffs = BATCH.map((ids, i) => maxAbsDiff(embeddings[i], embedIds(ids, table)));
		expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-4);
	});

	it('gives zero vectors when no word is known or every known word has a zero row', async () => {
		const [allUnknown, empty, zeroRows] = await runOnnx(model, [BATCH[1], BATCH[2], BATCH[5]]);
		for (const embedding of [allUnknown, empty, zeroRows]) {
			expect(Array.from(embedding)).toEqual(new Array(DIMS).fill(0));
		}
	});

	it('gives unit vectors otherwise', async () => {
		const [known] = await runOnnx(model, [BATCH[4]]);
		expect(Math.hypot(...known)).toBeCloseTo(1, 5);
	});

	it('reads back the exact table', () => {
		const read = readStaticTable(model);
		expect(read.dims).toBe(DIMS);
		expect(read.values).toEqual(table.values);
		expect(read.scales).toEqual(table.scales);
	});

	it('gives identical bytes for the same table', () => {
		expect(buildStaticEmbedderOnnx(randomTable(42))).toEqual(model);
	});

	it('pins opset 17 and carries only initialisers the graph reads', () => {
		const decoded = onnx.ModelProto.decode(model);
		expect(decoded.opsetImport.map((o) => Number(o.version))).toEqual([OPSET]);
		const read = new Set((decoded.graph?.node ?? []).flatMap((n) => n.input ?? []));
		const initializers = (decoded.graph?.initializer ?? []).map((tensor) => tensor.name);
		expect(initializers.filter((name) => !read.has(name ?? ''))).toEqual([]);
	});

	it('refuses a table whose values do not fill rows × dims', () => {
		const broken = { ...table, values: table.values.subarray(1) };
		expect(() => buildStaticEmbedderOnnx(broken)).toThrow(/do not fill/);
	});
});
