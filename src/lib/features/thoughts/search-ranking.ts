// Relative: models/eval/evaluate.ts runs this module under tsx, which knows no $lib alias.
import { fuseRankings, type Scored } from '../../ai/rank-fusion';
import { MIN_SIMILARITY } from '../../ai/similarity';

/** Candidates taken from each ranking before fusion. */
export const CANDIDATES = 100;
/** Results shown at first, and added by each "Show more". */
export const RESULTS = 50;
/**
 * When neither words nor hits at the floor (MIN_SIMILARITY) find anything, the best hits below
 * it are shown rather than "No matches": in a small library the answer may be a loose match
 * ("shopping list" for a list of groceries, cosine about 0.2). Down to this cosine, tuned on
 * sampled small libraries (models/EVAL.md: it raises the share of answers shown more than the
 * share of other thoughts shown).
 */
export const WEAK_SIMILARITY = 0.15;
/** ...and at most this many of them (a screenful). */
export const WEAK_RESULTS = 10;

/**
 * Words and meaning in one list. Semantic hits at or above the floor are fused with the word
 * matches (RRF); hits below it never outrank those: they stand in only for an empty list.
 */
export function rankHybrid<T>(
	byWords: readonly T[],
	byMeaning: readonly Scored<T>[],
	{ floor = MIN_SIMILARITY, weakCut = WEAK_SIMILARITY } = {}
): T[] {
	const strong = byMeaning.filter((hit) => hit.score >= floor).map((hit) => hit.id);
	const fused = fuseRankings([byWords, strong], Infinity);
	if (fused.length > 0) return fused;
	return byMeaning
		.filter((hit) => hit.score >= weakCut)
		.slice(0, WEAK_RESULTS)
		.map((hit) => hit.id);
}

/**
 * The next page of a ranking: what is on screen stays where it is (a recomputed ranking may
 * order it slightly differently), the rest follows in the ranking's order.
 */
export function extendShown<T>(shown: readonly T[], ranking: readonly T[], limit: number): T[] {
	const ranked = new Set(ranking);
	// A thought deleted, or edited out of the query, since it was shown leaves the list.
	const kept = shown.filter((id) => ranked.has(id));
	const isKept = new Set(kept);
	return [...kept, ...ranking.filter((id) => !isKept.has(id))].slice(0, limit);
}
