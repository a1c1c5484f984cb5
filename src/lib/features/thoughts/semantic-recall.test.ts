import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embedIds } from '../../../../models/static-embedder';
import { readStaticTable } from '../../../../models/static-onnx';
import { generateThoughts } from '../../../../scripts/seed-data';
import { parseVocabulary, tokenize } from '$sync/ai/tokenizer';
import { seededRandom } from '../../../../tests/fixtures/seeded-random';
import { CANDIDATES, WEAK_SIMILARITY } from './search-ranking';
import { QUANTISED_MIN_ROWS, VectorMatrix } from '$lib/ai/vector-matrix';

/**
 * The quantised scan against the exact one, on the built-in model's vectors of seeded thoughts:
 * what search ranks by meaning, at the search screen's own cut and candidate count.
 */
const MODEL_DIR = join(import.meta.dirname, '../../../../static/models/glove-sif-50k');
const table = readStaticTable(new Uint8Array(readFileSync(join(MODEL_DIR, 'model.onnx'))));
const vocab = parseVocabulary(readFileSync(join(MODEL_DIR, 'vocab.txt'), 'utf8'));
const embed = (text: string) => embedIds(tokenize(text, vocab), table);

const SIZE = 30_000;
const QUERIES = [
	'feeling exhausted',
	'kitten',
	'vacation abroad',
	'money worries',
	'dinner ideas',
	'meeting notes',
	'learning a language',
	'small win',
	'the yoga class',
	'sourdough finally lively',
	'flaky test',
	'travel portugal'
];

describe('VectorMatrix quantised scan', () => {
	const thoughts = generateThoughts(SIZE, 20240601, Date.UTC(2024, 0, 1));
	const matrix = new VectorMatrix<string>(table.dims);
	for (const thought of thoughts) matrix.set(thought.id, embed(thought.text));

	it('finds what the exact scan finds (recall ≥ 0.98 over the queries), with exact scores', () => {
		expect(matrix.size).toBeGreaterThanOrEqual(QUANTISED_MIN_ROWS);
		let found = 0;
		let wanted = 0;
		for (const text of QUERIES) {
			const query = embed(text);
			const exact = matrix.nearestExact(query, CANDIDATES, WEAK_SIMILARITY);
			const quick = matrix.nearest(query, CANDIDATES, WEAK_SIMILARITY);
			const exactScore = new Map(exact.map((hit) => [hit.id, hit.score]));
			// Every score is the exact dot product, so whatever it returns is ranked as exactly.
			for (const hit of quick) expect(hit.score).toBeGreaterThanOrEqual(WEAK_SIMILARITY);
			for (const hit of quick) {
				if (exactScore.has(hit.id)) expect(hit.score).toBe(exactScore.get(hit.id));
			}
			expect(quick.map((hit) => hit.score)).toEqual(
				[...quick.map((hit) => hit.score)].sort((a, b) => b - a)
			);
			wanted += exact.length;
			found += quick.filter((hit) => exactScore.has(hit.id)).length;
		}
		expect(wanted).toBeGreaterThan(QUERIES.length * 20);
		console.log(`quantised recall@${CANDIDATES} at ${SIZE}: ${(found / wanted).toFixed(4)}`);
		expect(found / wanted).toBeGreaterThanOrEqual(0.98);
	});

	it('keeps its codes in step with replaced and deleted rows', () => {
		const random = seededRandom(7);
		const ids = thoughts.map((thought) => thought.id);
		// Deleting moves the last row into the gap; replacing rewrites a row in place.
		for (let i = 0; i < 2_000; i++) matrix.delete(ids[Math.floor(random() * ids.length)]);
		const replaced = ids.filter((id) => matrix.get(id)).slice(0, 50);
		replaced.forEach((id, i) => matrix.set(id, embed(QUERIES[i % QUERIES.length] + ' ' + i)));
		// Each row, asked for by its own vector, is its own nearest: its code must be its own.
		const probes = [...replaced, ...ids.filter((id) => matrix.get(id)).slice(-50)];
		for (const id of probes) {
			const hits = matrix.nearest(matrix.get(id)!, CANDIDATES, WEAK_SIMILARITY);
			expect(hits[0].score).toBeCloseTo(1, 5);
			expect(hits.some((hit) => hit.id === id)).toBe(true);
		}
	});
});
