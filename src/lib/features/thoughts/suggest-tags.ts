import type { ThoughtRow } from '$lib/replica/view-db';
import type { ThoughtId } from '$sync/ids';

const SUGGESTED = 3;

/** Tags of the neighbours, weighted by similarity, minus the ones already written. */
export function suggestTags(
	rows: ThoughtRow[],
	hits: { id: ThoughtId; score: number }[],
	written: string[]
): string[] {
	const score = new Map(hits.map((hit) => [hit.id, hit.score]));
	const weights = new Map<string, number>();
	for (const row of rows) {
		for (const tag of row.tags) {
			if (!written.includes(tag))
				weights.set(tag, (weights.get(tag) ?? 0) + (score.get(row.id) ?? 0));
		}
	}
	return [...weights]
		.sort((a, b) => b[1] - a[1])
		.slice(0, SUGGESTED)
		.map(([tag]) => tag);
}

/** A tagger's score a tag must reach to be suggested: the head's sigmoid says "more likely yes". */
export const MIN_TAG_SCORE = 0.5;

/** The tagger's most likely tags for one text, minus the ones already written. */
export function topScoredTags(labels: string[], scores: Float32Array, written: string[]): string[] {
	return labels
		.map((tag, i) => ({ tag, score: scores[i] }))
		.filter(({ tag, score }) => score >= MIN_TAG_SCORE && !written.includes(tag))
		.sort((a, b) => b.score - a.score)
		.slice(0, SUGGESTED)
		.map(({ tag }) => tag);
}
