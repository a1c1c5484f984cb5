/** The usual constant of reciprocal rank fusion (Cormack et al. 2009): damps the top ranks. */
const K = 60;

/**
 * Reciprocal rank fusion: each list votes 1/(K + rank) for its items; items found by several
 * lists rise. Rankings of different kinds (BM25-style, cosine) combine without calibration.
 */
export function fuseRankings<T>(rankings: readonly (readonly T[])[], limit: number): T[] {
	const scores = new Map<T, number>();
	for (const ranking of rankings) {
		ranking.forEach((item, rank) => scores.set(item, (scores.get(item) ?? 0) + 1 / (K + rank + 1)));
	}
	return [...scores]
		.sort((a, b) => b[1] - a[1])
		.slice(0, limit)
		.map(([item]) => item);
}

export interface Scored<T> {
	id: T;
	score: number;
}

/** The k best items by score, highest first (a partial selection, not a full sort). */
export function topK<T>(items: Iterable<Scored<T>>, k: number): Scored<T>[] {
	const best: Scored<T>[] = [];
	for (const item of items) {
		if (best.length === k && item.score <= best[k - 1].score) continue;
		let i = best.length === k ? k - 1 : best.length;
		while (i > 0 && best[i - 1].score < item.score) {
			best[i] = best[i - 1];
			i--;
		}
		best[i] = item;
	}
	return best;
}
