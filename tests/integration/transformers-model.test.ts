import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import {
	configureTransformersEnv,
	embedderFrom,
	LOCAL_MODEL_PATH,
	type TransformersEnv
} from '../../src/lib/ai/transformers-model';
import type { LoadedModel } from '../../src/lib/ai/static-model';
import { writeTinyTransformersModel, type TinyModel } from '../fixtures/tiny-transformers-model';

/**
 * transformers.js with a model folder generated here (notes/ai.md §3.3): loaded with remote
 * models off, it must never touch the network. In Node it runs on onnxruntime-node's CPU EP;
 * the browser path (wasm, Cache API) is covered by tests/e2e/transformers.e2e.ts.
 */
const CORPUS = [
	'I adopted a kitten today',
	'Our puppy chewed the sofa again',
	'Quarterly budget review with the finance team',
	'Tried a new recipe for lentil soup',
	'Buy milk and eggs and bread'
];

const realFetch = globalThis.fetch;
const requested: string[] = [];
const fetchSpy = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
	const url = input instanceof Request ? input.url : String(input);
	requested.push(url);
	if (/^https?:/i.test(url)) throw new Error(`Network request attempted: ${url}`);
	return realFetch(input, init);
});

let transformers: typeof import('@huggingface/transformers');
let root: string;
let tiny: TinyModel;
let extractor: FeatureExtractionPipeline;

beforeAll(async () => {
	// transformers.js keeps the fetch it finds when first imported (env.fetch): stub it first.
	globalThis.fetch = fetchSpy as typeof fetch;
	transformers = await import('@huggingface/transformers');
	const { env } = transformers;
	env.fetch = fetchSpy as typeof fetch;
	env.allowRemoteModels = false;
	env.allowLocalModels = true;
	// No cache writes into node_modules/@huggingface/transformers/.cache from a test.
	env.useFSCache = false;
	root = mkdtempSync(join(tmpdir(), 't10x-tiny-model-'));
	tiny = writeTinyTransformersModel(root);
	env.localModelPath = root;
	extractor = await transformers.pipeline('feature-extraction', tiny.name, {
		dtype: 'q8',
		device: 'cpu'
	});
});

afterAll(() => {
	globalThis.fetch = realFetch;
	rmSync(root, { recursive: true, force: true });
});

function dot(a: Float32Array, b: Float32Array): number {
	return a.reduce((sum, value, i) => sum + value * b[i], 0);
}

function rows(vectors: Float32Array, dims: number): Float32Array[] {
	return Array.from({ length: vectors.length / dims }, (_, i) =>
		vectors.subarray(i * dims, (i + 1) * dims)
	);
}

describe('the tiny transformers.js model', () => {
	it('is written deterministically', () => {
		const again = mkdtempSync(join(tmpdir(), 't10x-tiny-model-'));
		try {
			const copy = writeTinyTransformersModel(again);
			for (const file of tiny.files) {
				expect(readFileSync(join(copy.dir, file)), file).toEqual(
					readFileSync(join(tiny.dir, file))
				);
			}
		} finally {
			rmSync(again, { recursive: true, force: true });
		}
	});

	it('tokenises whole words, with [CLS]/[SEP] around and [UNK] for the rest', () => {
		const ids = extractor.tokenizer.encode('My kitten hates Mondays');
		expect(ids.map((id) => tiny.vocab[id])).toEqual([
			'[CLS]',
			'my',
			'kitten',
			'[UNK]',
			'[UNK]',
			'[SEP]'
		]);
	});
});

describe('loading a transformer model with remote models off', () => {
	let model: LoadedModel;

	beforeAll(async () => {
		model = await embedderFrom(extractor);
	});

	it('returns one unit-length vector per text', async () => {
		const { vectors, tokens } = await model.run(CORPUS);
		expect(model.dims).toBe(tiny.dims);
		expect(vectors).toBeInstanceOf(Float32Array);
		expect(vectors.length).toBe(CORPUS.length * tiny.dims);
		// The worker transfers this buffer: it must hold exactly these vectors.
		expect(vectors.buffer.byteLength).toBe(vectors.byteLength);
		for (const vector of rows(vectors, tiny.dims)) expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
		// Every token the model saw, [CLS] and [SEP] included, none of the padding.
		const expected = CORPUS.reduce((sum, text) => sum + extractor.tokenizer.encode(text).length, 0);
		expect(tokens).toBe(expected);
	});

	it('puts texts that share a topic nearest to each other', async () => {
		const corpus = rows((await model.run(CORPUS)).vectors, tiny.dims);
		const nearest = async (query: string) => {
			const [vector] = rows((await model.run([query])).vectors, tiny.dims);
			const scores = corpus.map((row) => dot(vector, row));
			return CORPUS[scores.indexOf(Math.max(...scores))];
		};
		// No word in common with the nearest text: only the shared topic connects them.
		expect(await nearest('cat')).toMatch(/kitten|puppy/);
		expect(await nearest('invoice and tax')).toBe('Quarterly budget review with the finance team');
		expect(await nearest('cheese')).toMatch(/soup|milk/);
		// Both pet texts beat every other text for "cat", by a clear margin.
		const [cat] = rows((await model.run(['cat'])).vectors, tiny.dims);
		const scores = corpus.map((row) => dot(cat, row));
		expect(Math.min(scores[0], scores[1])).toBeGreaterThan(0.5);
		expect(Math.max(...scores.slice(2))).toBeLessThan(Math.min(scores[0], scores[1]) - 0.3);
	});

	it('fails, still offline, for a model that is neither cached nor local', async () => {
		await expect(
			transformers.pipeline('feature-extraction', 'Xenova/all-MiniLM-L6-v2', {
				dtype: 'q8',
				device: 'cpu'
			})
		).rejects.toThrow(/allowRemoteModels=false|not found locally/);
	});

	it('never attempted a network request', () => {
		expect(requested.filter((url) => /^https?:/i.test(url))).toEqual([]);
	});
});

describe('configureTransformersEnv', () => {
	function freshEnv(): TransformersEnv {
		return {
			allowRemoteModels: true,
			allowLocalModels: false,
			localModelPath: '/elsewhere/',
			useBrowserCache: false,
			backends: { onnx: { wasm: {} } }
		};
	}
	const ref = {
		id: 'xenova-all-minilm-l6-v2',
		version: '1',
		kind: 'transformers' as const,
		location: 'Xenova/all-MiniLM-L6-v2'
	};

	it('reaches the hub only with consent, and always self-hosts the runtime', () => {
		const env = freshEnv();
		configureTransformersEnv(env, ref);
		expect(env.allowRemoteModels).toBe(false);
		expect(env.allowLocalModels).toBe(true);
		expect(env.localModelPath).toBe(LOCAL_MODEL_PATH);
		expect(env.useBrowserCache).toBe(true);
		const { wasmPaths, numThreads } = env.backends.onnx.wasm ?? {};
		expect(wasmPaths).toEqual({ wasm: expect.stringMatching(/ort-wasm-simd-threaded\.wasm$/) });
		expect(JSON.stringify(wasmPaths)).not.toMatch(/https?:/);
		expect(numThreads).toBe(1);

		configureTransformersEnv(env, { ...ref, allowDownload: true });
		expect(env.allowRemoteModels).toBe(true);
	});

	it('refuses to run without the runtime flags rather than use a CDN', () => {
		expect(() => configureTransformersEnv({ ...freshEnv(), backends: { onnx: {} } }, ref)).toThrow(
			/runtime/
		);
	});
});
