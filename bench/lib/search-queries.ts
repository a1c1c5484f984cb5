import { generateThoughts } from '../../scripts/seed-data';
import { words } from '../../sync/ai/tokenizer';
import { seededRandom } from '../../tests/fixtures/seeded-random';

/**
 * 40 queries of 1–3 consecutive words from seeded thoughts, the same for every library size, so
 * the search benches time the same questions.
 */
export function wordQueries(seed: number): string[] {
	const random = seededRandom(seed + 1);
	const source = generateThoughts(500, seed + 2, Date.UTC(2024, 0, 1));
	const queries = new Set<string>();
	while (queries.size < 40) {
		const text = source[Math.floor(random() * source.length)].text;
		// Three letters or more: a person types "budget", not "of".
		const found = words(text).filter((word) => word.length >= 3);
		if (found.length === 0) continue;
		const count = Math.min(found.length, 1 + Math.floor(random() * 3));
		const start = Math.floor(random() * (found.length - count + 1));
		queries.add(found.slice(start, start + count).join(' '));
	}
	return [...queries];
}
