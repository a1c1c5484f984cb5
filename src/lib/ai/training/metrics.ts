/** Held-out quality of a tagger, as the registry records it (sync/doc/model-versions.ts). */
export interface EvalMetrics {
	/** Mean over examples of (true tags among the top k with a positive score) / k. */
	precisionAt3: number;
	/** Mean over examples of (true tags among the top k) / (true tags). */
	recallAt3: number;
	/** F1 of the suggestions shown (the top k scoring above minScore), pooled over examples. */
	microF1: number;
	examples: number;
}

/**
 * Scores n × labels against truth n × labels (1 = has the tag). The suggestions are what the
 * app shows: at most k labels, best first, each scoring above `minScore` (0 for the neighbour
 * vote, which suggests only tags some neighbour has; the head's own cut for a head). Ties go
 * to the earlier label, so the metrics are deterministic too.
 */
export function evaluate(
	scores: Float32Array,
	truth: Uint8Array,
	n: number,
	labels: readonly string[],
	k = 3,
	minScore = 0
): EvalMetrics {
	const labelCount = labels.length;
	if (scores.length !== n * labelCount || truth.length !== n * labelCount) {
		throw new RangeError(`scores and truth must hold ${n} × ${labelCount} values`);
	}
	const top = new Int32Array(k);
	let precision = 0;
	let recall = 0;
	let shown = 0;
	let hits = 0;
	let relevant = 0;
	for (let i = 0; i < n; i++) {
		const row = i * labelCount;
		const picked = topLabels(scores, row, labelCount, k, top);
		let found = 0;
		let suggested = 0;
		for (let t = 0; t < picked; t++) {
			const score = scores[row + top[t]];
			// A label scoring 0 is no suggestion (the vote gives 0 to tags no neighbour has).
			if (score > 0 && truth[row + top[t]]) found++;
			if (score > minScore) {
				suggested++;
				if (truth[row + top[t]]) hits++;
			}
		}
		let count = 0;
		for (let l = 0; l < labelCount; l++) count += truth[row + l];
		precision += found / k;
		recall += count ? found / count : 0;
		shown += suggested;
		relevant += count;
	}
	const f1Denominator = shown + relevant;
	return {
		precisionAt3: n ? precision / n : 0,
		recallAt3: n ? recall / n : 0,
		microF1: f1Denominator ? (2 * hits) / f1Denominator : 0,
		examples: n
	};
}

/** Indices of the k best scores in scores[row, row + count) into `top`; returns how many. */
function topLabels(
	scores: Float32Array,
	row: number,
	count: number,
	k: number,
	top: Int32Array
): number {
	let size = 0;
	for (let l = 0; l < count; l++) {
		const score = scores[row + l];
		if (size === k && score <= scores[row + top[size - 1]]) continue;
		let at = size < k ? size++ : k - 1;
		while (at > 0 && scores[row + top[at - 1]] < score) {
			top[at] = top[at - 1];
			at--;
		}
		top[at] = l;
	}
	return size;
}
