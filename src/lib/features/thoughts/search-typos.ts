import type { Query } from 'minisearch';

/** MiniSearch's own weight for a fuzzy match: a typo ranks below the word spelt right. */
const FUZZY_WEIGHT = 0.45;

/**
 * Edits a query word may be away from the word it finds: none below five letters (a short word
 * one edit away is usually another word: "cat", "cut"), then one per five letters.
 */
export function typoBudget(term: string): number {
	return term.length > 4 ? Math.round(term.length * 0.2) : 0;
}

/** The word with each pair of neighbouring letters swapped: "bugdet" gives "budget" among others. */
export function transpositions(term: string): string[] {
	const variants = new Set<string>();
	for (let i = 0; i + 1 < term.length; i++) {
		if (term[i] === term[i + 1]) continue;
		variants.add(term.slice(0, i) + term[i + 1] + term[i] + term.slice(i + 2));
	}
	return [...variants];
}

/**
 * One query word as a MiniSearch query. MiniSearch's fuzzy match is Levenshtein distance, where
 * swapped letters ("meetnig") cost two edits and so fall outside a five-to-seven-letter word's
 * budget of one. Here a swap costs one, as in the optimal string alignment distance: the word
 * matches within its budget, or one of its transpositions matches within the budget less one.
 * A match through a swap scores as a fuzzy match of one edit would.
 */
export function typoQuery(term: string): Query {
	const budget = typoBudget(term);
	const asTyped: Query = { queries: [term], fuzzy: budget || false };
	if (budget === 0) return asTyped;
	const swapped: Query = {
		combineWith: 'OR',
		queries: transpositions(term),
		fuzzy: budget - 1 || false,
		boostTerm: (variant) => (FUZZY_WEIGHT * variant.length) / (variant.length + 1)
	};
	return { combineWith: 'OR', queries: [asTyped, swapped] };
}
