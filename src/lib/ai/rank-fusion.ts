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

/**
 * Keeps the k best items by score, highest first (a partial selection, not a full sort). Ask
 * `accepts` before building an item, so a scan over many rows allocates only for contenders.
 */
export class TopK<T> {
	readonly items: Scored<T>[] = [];

	constructor(readonly k: number) {}

	accepts(score: number): boolean {
		const { items, k } = this;
		return items.length < k || score > items[k - 1].score;
	}

	add(item: Scored<T>): void {
		if (!this.accepts(item.score)) return;
		const { items, k } = this;
		let i = items.length === k ? k - 1 : items.length;
		while (i > 0 && items[i - 1].score < item.score) {
			items[i] = items[i - 1];
			i--;
		}
		items[i] = item;
	}
}
