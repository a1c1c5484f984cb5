/**
 * Issue 17's small library, sampled: "shopping list" among five thoughts missed the groceries
 * list. Where nothing reaches the floor (MIN_SIMILARITY), search shows the hits below it down to
 * WEAK_SIMILARITY instead of "No matches"; this measures that cut. For every query and every thought that
 * answers it, seeded libraries of that thought and four that answer nothing: how often the
 * answer is shown (true positive rate) against how many of the others are (false positive rate).
 */
import type { Scored } from '../../src/lib/ai/rank-fusion';
import { rankHybrid } from '../../src/lib/features/thoughts/search-ranking';
import type { ThoughtId } from '../../sync/ids';
import { seededRandom } from '../../tests/fixtures/seeded-random';

export const LIBRARY_SIZE = 5;
/** Libraries drawn for each (query, answer) pair. */
export const SAMPLES = 10;
const SEED = 17;
/** Cuts tried for WEAK_SIMILARITY; one at the floor shows nothing below it. */
export const CUTS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3];

export interface SmallLibraryQuery {
	relevant: ReadonlySet<string>;
	/** The whole set's word matches, best first (membership is per thought, as in a small index). */
	byWords: readonly ThoughtId[];
	/** Cosine of the query with every thought of the set. */
	similarity: ReadonlyMap<ThoughtId, number>;
}

export interface CutRow {
	cut: number;
	/** Share of answers shown. */
	truePositiveRate: number;
	/** Share of the other thoughts shown. */
	falsePositiveRate: number;
	/** Youden's J: true positive rate less false positive rate. */
	j: number;
}

/** Each query's sampled libraries: an answer and LIBRARY_SIZE - 1 thoughts answering nothing. */
function libraries(queries: readonly SmallLibraryQuery[], ids: readonly ThoughtId[]) {
	const random = seededRandom(SEED);
	return queries.flatMap((query) => {
		const others = ids.filter((id) => !query.relevant.has(id));
		return [...query.relevant].flatMap((answer) =>
			Array.from({ length: SAMPLES }, () => {
				const picked = new Set<ThoughtId>();
				while (picked.size < LIBRARY_SIZE - 1) {
					picked.add(others[Math.floor(random() * others.length)]);
				}
				return { query, answer: answer as ThoughtId, others: [...picked] };
			})
		);
	});
}

export function sweepWeakCut(
	queries: readonly SmallLibraryQuery[],
	ids: readonly ThoughtId[],
	floor: number
): CutRow[] {
	const samples = libraries(queries, ids);
	return CUTS.map((cut) => {
		let answersShown = 0;
		let othersShown = 0;
		for (const { query, answer, others } of samples) {
			const library = new Set([answer, ...others]);
			const byWords = query.byWords.filter((id) => library.has(id));
			// SemanticIndex.nearest over the library: cosine ≥ the cut, best first.
			const byMeaning: Scored<ThoughtId>[] = [...library]
				.map((id) => ({ id, score: query.similarity.get(id)! }))
				.filter((hit) => hit.score >= cut)
				.sort((a, b) => b.score - a.score);
			const shown = new Set(rankHybrid(byWords, byMeaning, { floor, weakCut: cut }));
			if (shown.has(answer)) answersShown++;
			othersShown += others.filter((id) => shown.has(id)).length;
		}
		const truePositiveRate = answersShown / samples.length;
		const falsePositiveRate = othersShown / (samples.length * (LIBRARY_SIZE - 1));
		return { cut, truePositiveRate, falsePositiveRate, j: truePositiveRate - falsePositiveRate };
	});
}

/** Highest J; among cuts within 0.005 of it, the highest (fewer loose results). */
export function pickCut(rows: readonly CutRow[]): CutRow {
	const top = Math.max(...rows.map((row) => row.j));
	return rows
		.filter((row) => row.j >= top - 0.005)
		.reduce((best, row) => (row.cut > best.cut ? row : best));
}
