import { MIN_SIMILARITY } from '../similarity';
import { VectorMatrix } from '../vector-matrix';

/** As many neighbours as related.svelte.ts asks the index for. */
export const NEIGHBOURS = 10;

export interface LabelledVectors {
	/** n × dims unit vectors, row-major. */
	x: Float32Array;
	/** n × labels, 1 where the example has the tag. */
	y: Uint8Array;
	n: number;
}

/**
 * The baseline a trained head must beat: the app's suggestTags (features/thoughts/
 * suggest-tags.ts) over each query's nearest neighbours in `train`, found the way the app finds
 * them (VectorMatrix.nearest, cosine at or above MIN_SIMILARITY). A tag's score is the summed
 * similarity of the neighbours that carry it, so its top 3 are the tags suggestTags shows.
 */
export function neighbourVoteScores(
	train: LabelledVectors,
	queries: { x: Float32Array; n: number },
	dims: number,
	labelCount: number,
	neighbours = NEIGHBOURS
): Float32Array {
	const matrix = new VectorMatrix<number>(dims, Math.max(1, train.n));
	for (let i = 0; i < train.n; i++) matrix.set(i, train.x.subarray(i * dims, (i + 1) * dims));
	const scores = new Float32Array(queries.n * labelCount);
	for (let q = 0; q < queries.n; q++) {
		const query = queries.x.subarray(q * dims, (q + 1) * dims);
		for (const hit of matrix.nearest(query, neighbours, MIN_SIMILARITY)) {
			for (let l = 0; l < labelCount; l++) {
				if (train.y[hit.id * labelCount + l]) scores[q * labelCount + l] += hit.score;
			}
		}
	}
	return scores;
}
