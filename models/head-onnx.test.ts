import { createHash } from 'node:crypto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import pkg from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { scoreHead } from '../src/lib/ai/training/score-head';
import { trainHead } from '../src/lib/ai/training/train-head';
import { seededRandom } from '../tests/fixtures/seeded-random';
import {
	buildHeadOnnx,
	HEAD_INPUT,
	HEAD_OUTPUT,
	LABELS_KEY,
	readHead,
	readHeadLabels,
	type LinearHead
} from './head-onnx';
import { OPSET } from './static-onnx';

const { onnx } = pkg;
const DIMS = 24;
const LABELS = ['cooking', 'garden', 'work/meetings', 'ünïcode', 'music'];
const N = 300;

/** Unit vectors in clusters, one cluster per label, some examples carrying two labels. */
function clusteredSet(seed: number) {
	const random = seededRandom(seed);
	const centres = LABELS.map(() => Float32Array.from({ length: DIMS }, () => random() - 0.5));
	const x = new Float32Array(N * DIMS);
	const y = new Uint8Array(N * LABELS.length);
	for (let i = 0; i < N; i++) {
		const label = i % LABELS.length;
		const second = random() < 0.3 ? Math.floor(random() * LABELS.length) : label;
		y[i * LABELS.length + label] = 1;
		y[i * LABELS.length + second] = 1;
		let norm = 0;
		for (let d = 0; d < DIMS; d++) {
			const value = centres[label][d] + 0.5 * centres[second][d] + (random() - 0.5) * 0.6;
			x[i * DIMS + d] = value;
			norm += value * value;
		}
		for (let d = 0; d < DIMS; d++) x[i * DIMS + d] /= Math.sqrt(norm);
	}
	return { x, y };
}

async function trained(seed: number, hidden: number): Promise<LinearHead> {
	const { x, y } = clusteredSet(1);
	return trainHead(x, y, { n: N, dims: DIMS, labels: LABELS }, { seed, epochs: 30, hidden });
}

async function runOrt(bytes: Uint8Array, x: Float32Array, n: number): Promise<Float32Array> {
	const session = await InferenceSession.create(bytes);
	try {
		const output = await session.run({ [HEAD_INPUT]: new Tensor('float32', x, [n, DIMS]) });
		expect(output[HEAD_OUTPUT].dims).toEqual([n, LABELS.length]);
		return output[HEAD_OUTPUT].data as Float32Array;
	} finally {
		await session.release();
	}
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const KINDS = [
	{ kind: 'linear', hidden: 0, ops: ['MatMul', 'Add', 'Sigmoid'] },
	{
		kind: 'one hidden layer',
		hidden: 16,
		ops: ['MatMul', 'Add', 'Relu', 'MatMul', 'Add', 'Sigmoid']
	}
];

describe.each(KINDS)('buildHeadOnnx, $kind head', ({ hidden, ops }) => {
	it('scores in onnxruntime-node what scoreHead scores in TypeScript (max abs diff ≤ 1e-5)', async () => {
		const head = await trained(7, hidden);
		// Inputs it never saw, plus the extremes: a zero vector and large values.
		const { x } = clusteredSet(99);
		x.fill(0, 0, DIMS);
		x.fill(3, DIMS, 2 * DIMS);
		const fromOrt = await runOrt(buildHeadOnnx(head), x, N);
		const fromTs = scoreHead(head, x, N);
		const maxDiff = fromOrt.reduce(
			(max, value, i) => Math.max(max, Math.abs(value - fromTs[i])),
			0
		);
		expect(maxDiff).toBeLessThanOrEqual(1e-5);
		expect(new Set(fromTs).size).toBeGreaterThan(N); // not a constant output
	});

	it('gives the same sha256 for the same data and seed, another for another seed', async () => {
		const first = sha256(buildHeadOnnx(await trained(7, hidden)));
		expect(sha256(buildHeadOnnx(await trained(7, hidden)))).toBe(first);
		expect(sha256(buildHeadOnnx(await trained(8, hidden)))).not.toBe(first);
	});

	it('carries the labels in metadata_props and the weights back out exactly', async () => {
		const head = await trained(7, hidden);
		const bytes = buildHeadOnnx(head);
		expect(readHeadLabels(bytes)).toEqual(LABELS);
		const read = readHead(bytes);
		expect(read).toEqual({ ...head, labels: LABELS });
		const model = onnx.ModelProto.decode(bytes);
		expect(model.metadataProps).toEqual([{ key: LABELS_KEY, value: JSON.stringify(LABELS) }]);
	});

	it("is its kind's graph at opset 17 with the signature the registry records", async () => {
		const model = onnx.ModelProto.decode(buildHeadOnnx(await trained(7, hidden)));
		expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', OPSET]]);
		const graph = model.graph!;
		expect(graph.node?.map((node) => node.opType)).toEqual(ops);
		const dims = (info: Onnx.IValueInfoProto) =>
			info.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));
		expect(graph.input?.map((i) => [i.name, dims(i)])).toEqual([[HEAD_INPUT, ['batch', DIMS]]]);
		expect(graph.output?.map((o) => [o.name, dims(o)])).toEqual([
			[HEAD_OUTPUT, ['batch', LABELS.length]]
		]);
	});
});

describe('buildHeadOnnx and readHead', () => {
	it('refuses weights that do not fit labels × dims', () => {
		const head = {
			dims: 4,
			labels: ['a', 'b'],
			weights: new Float32Array(7),
			bias: new Float32Array(2)
		};
		expect(() => buildHeadOnnx(head)).toThrow(/do not fit/);
		const hidden = { size: 3, weights: new Float32Array(12), bias: new Float32Array(3) };
		expect(() => buildHeadOnnx({ ...head, weights: new Float32Array(6), hidden })).not.toThrow();
		expect(() => buildHeadOnnx({ ...head, weights: new Float32Array(8), hidden })).toThrow(
			/do not fit 2 × 3/
		);
		const narrow = { ...hidden, weights: new Float32Array(11) };
		expect(() => buildHeadOnnx({ ...head, weights: new Float32Array(6), hidden: narrow })).toThrow(
			/hidden weights do not fit/
		);
	});

	it('refuses to read labels from bytes that are not a head', () => {
		expect(() => readHeadLabels(Uint8Array.of(1, 2, 3))).toThrow(/head ONNX/);
		const noLabels = onnx.ModelProto.encode({ irVersion: 8, metadataProps: [] }).finish();
		expect(() => readHeadLabels(noLabels)).toThrow(/not a list of tags/);
	});
});
