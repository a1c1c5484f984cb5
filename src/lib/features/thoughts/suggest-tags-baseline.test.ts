import { describe, expect, it } from 'vitest';
import { MIN_SIMILARITY } from '$lib/ai/similarity';
import { neighbourVoteScores } from '$lib/ai/training/neighbour-vote';
import { VectorMatrix } from '$lib/ai/vector-matrix';
import type { ThoughtRow } from '$lib/replica/view-db';
import type { ThoughtId } from '$sync/ids';
import { seededRandom } from '../../../../tests/fixtures/seeded-random';
import { suggestTags } from './suggest-tags';

/**
 * The trainer's baseline (src/lib/ai/training/neighbour-vote.ts) must stay the vote this file's
 * suggestTags makes, or the promotion gate compares a head against something the app never shows.
 */
const DIMS = 8;
const LABELS = ['a', 'b', 'c', 'd', 'e'];

function unitVectors(n: number, random: () => number): Float32Array {
	const x = Float32Array.from({ length: n * DIMS }, () => random() - 0.3);
	for (let i = 0; i < n; i++) {
		const row = x.subarray(i * DIMS, (i + 1) * DIMS);
		const norm = Math.hypot(...row);
		row.forEach((value, d) => (row[d] = value / norm));
	}
	return x;
}

describe('neighbourVoteScores', () => {
	it("ranks first the tags the app's suggestTags suggests for the same neighbours", () => {
		const random = seededRandom(8);
		const n = 200;
		const x = unitVectors(n, random);
		const y = Uint8Array.from({ length: n * LABELS.length }, () => (random() < 0.3 ? 1 : 0));
		const queries = unitVectors(50, random);
		const scores = neighbourVoteScores({ x, y, n }, { x: queries, n: 50 }, DIMS, LABELS.length);
		// The app's path: the index's nearest neighbours, their rows, suggestTags.
		const index = new VectorMatrix<ThoughtId>(DIMS);
		const rows = Array.from({ length: n }, (_, i) => {
			const id = `t${i}` as ThoughtId;
			index.set(id, x.subarray(i * DIMS, (i + 1) * DIMS));
			const tags = LABELS.filter((_, l) => y[i * LABELS.length + l]);
			return { id, tags } as ThoughtRow;
		});
		const byId = new Map(rows.map((row) => [row.id, row]));
		let compared = 0;
		for (let q = 0; q < 50; q++) {
			const hits = index.nearest(queries.subarray(q * DIMS, (q + 1) * DIMS), 10, MIN_SIMILARITY);
			const expected = suggestTags(
				hits.map((hit) => byId.get(hit.id)!),
				hits,
				[]
			);
			const row = scores.subarray(q * LABELS.length, (q + 1) * LABELS.length);
			const ranked = LABELS.map((label, l) => ({ label, score: row[l] }))
				.filter(({ score }) => score > 0)
				.sort((a, b) => b.score - a.score)
				.slice(0, 3)
				.map(({ label }) => label);
			expect(ranked).toEqual(expected);
			compared += expected.length;
		}
		expect(compared).toBeGreaterThan(50);
	});
});
