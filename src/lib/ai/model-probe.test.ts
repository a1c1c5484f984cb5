import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ModelCheckError, validateModel } from '$sync/ai/model-check';
import { readEmbedderBundle } from '$sync/ai/model-bundle';
import { sampleEmbeddings } from '$sync/ai/model-sample';
import {
	EMBEDDER_DIMS,
	headUpload,
	LABELS,
	tinyEmbedderFiles
} from '../../../tests/fixtures/bad-models';
import {
	buildHead,
	encodeModel,
	headSpec,
	node,
	seededValues
} from '../../../tests/fixtures/onnx-builder';
import { loadBundleModel } from './bundle-model';
import { deviceProbe } from './model-probe';

/**
 * The device's probe: heads on onnxruntime-web (here its Node build, the same wasm the worker
 * runs), an uploaded embedder through transformers.js from its in-memory files. In Node
 * transformers.js runs onnxruntime-node ('cpu'); the wasm device is the e2e test's.
 */
const probe = deviceProbe(ort, 'cpu');
const never = { aborted: false, addEventListener: () => {} };

const realFetch = globalThis.fetch;
const requested: string[] = [];

beforeAll(async () => {
	// transformers.js keeps the fetch it finds when first imported (env.fetch): spy on it first.
	const spy = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
		requested.push(input instanceof Request ? input.url : String(input));
		return realFetch(input, init);
	});
	globalThis.fetch = spy as typeof fetch;
	const { env } = await import('@huggingface/transformers');
	env.fetch = spy as typeof fetch;
	env.useFSCache = false;
});

afterAll(() => {
	globalThis.fetch = realFetch;
});

describe('the device probe', () => {
	it('runs a head as its maths says: sigmoid(x · W + b)', async () => {
		const [dims, labels] = [EMBEDDER_DIMS, LABELS.length];
		const embeddings = sampleEmbeddings(2, dims);
		const result = await probe(
			{
				task: 'tag',
				onnx: buildHead({ dims, labels }),
				input: { name: 'embeddings', type: 'float32', dims: ['batch', dims] },
				output: 'scores',
				embeddings,
				batch: 2
			},
			never
		);
		// The fixture's weights and bias (tests/fixtures/onnx-builder.ts headSpec).
		const [weights, bias] = [seededValues(dims * labels, 7), seededValues(labels, 11)];
		const expected = Array.from({ length: 2 * labels }, (_, i) => {
			const [row, label] = [Math.floor(i / labels), i % labels];
			let logit = bias[label];
			for (let d = 0; d < dims; d++)
				logit += embeddings[row * dims + d] * weights[d * labels + label];
			return 1 / (1 + Math.exp(-logit));
		});
		expect(result.dims).toEqual([2, labels]);
		const diff = Math.max(...expected.map((value, i) => Math.abs(value - result.values[i])));
		expect(diff).toBeLessThanOrEqual(1e-6);
	});

	it('names an operator onnxruntime-web has no kernel for', async () => {
		const spec = headSpec({ dims: EMBEDDER_DIMS, labels: LABELS.length });
		const onnx = encodeModel({
			...spec,
			nodes: [...spec.nodes.slice(0, 2), node('NotAnOperator', ['logits'], ['scores'])]
		});
		const error = await validateModel(headUpload(onnx), probe).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ModelCheckError);
		expect(error).toMatchObject({ check: 'operators', message: /NotAnOperator/ });
	});

	it('embeds the sample texts with an uploaded embedder, tokenizer included', async () => {
		const bundle = readEmbedderBundle(tinyEmbedderFiles());
		const model = await validateModel({ task: 'embed', bundle }, probe);
		expect(model.dims).toBe(16);
		expect(requested.filter((url) => /^https?:/i.test(url))).toEqual([]);
	});
});

describe('loadBundleModel', () => {
	it('runs the bundle from memory, offline, and leaves the cache settings as they were', async () => {
		const { env } = await import('@huggingface/transformers');
		const before = { useCustomCache: env.useCustomCache, customCache: env.customCache };
		const model = await loadBundleModel(readEmbedderBundle(tinyEmbedderFiles()), {
			id: 'v1',
			device: 'cpu'
		});
		const { vectors } = await model.run(['my kitten', 'a puppy', 'the quarterly budget']);
		const row = (i: number) => vectors.subarray(i * model.dims, (i + 1) * model.dims);
		const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);
		// The tiny model's words of one topic share a direction (tests/fixtures).
		expect(cosine(row(0), row(1))).toBeGreaterThan(cosine(row(0), row(2)) + 0.3);
		expect({ useCustomCache: env.useCustomCache, customCache: env.customCache }).toEqual(before);
		expect(requested.filter((url) => /^https?:/i.test(url))).toEqual([]);
	});

	it('fails, offline, for a bundle it was not given', async () => {
		const bundle = readEmbedderBundle(tinyEmbedderFiles());
		const rest = { ...bundle.files };
		delete rest['tokenizer.json'];
		await expect(
			loadBundleModel({ ...bundle, files: rest }, { id: 'v2', device: 'cpu' })
		).rejects.toThrow(/tokenizer\.json|not found/);
	});
});
