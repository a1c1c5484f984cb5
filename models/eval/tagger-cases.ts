/**
 * The two libraries the tagger is judged on, as tagged rows with the built-in model's vectors:
 * the project's labelled set (a query's relevant thoughts carry it as a tag) and a seeded
 * library (scripts/seed-data.ts, the tags people write). Vectors are of the text without its
 * tags, as when the app suggests tags for a thought being written.
 */
import { generateThoughts } from '../../scripts/seed-data';
import { withoutTags } from '../../sync/tags';
import { parseTags } from '../../sync/tags';
import { loadBuiltinModel, loadDataset } from './evaluate';

export interface TaggerCase {
	name: string;
	rows: { id: string; hash: string; tags: string[] }[];
	/** Of the text without its tags (what suggestions are asked for). */
	vectors: Map<string, Float32Array>;
	/** Of the text with its tags, as stored for search (what training read before). */
	taggedVectors?: Map<string, Float32Array>;
}
/** A fixed end date: the seeded library's ids (and so its split) do not change day to day. */
const SEED_END = Date.UTC(2026, 0, 1);

/** "feeling sad" → "feeling-sad": a query as the tag a person would give its thoughts. */
export function queryTag(query: string): string {
	return query.trim().toLowerCase().replace(/\s+/g, '-');
}

export function labelledSetCase(embed = loadBuiltinModel().embed): TaggerCase {
	const { thoughts, queries } = loadDataset();
	const tags = new Map<string, string[]>();
	for (const { query, relevant } of queries) {
		for (const id of relevant) tags.set(id, [...(tags.get(id) ?? []), queryTag(query)]);
	}
	return {
		name: 'Labelled set (models/eval, tags from queries.json)',
		rows: thoughts
			.filter((thought) => tags.has(thought.id))
			.map((thought) => ({ id: thought.id, hash: thought.id, tags: tags.get(thought.id)! })),
		vectors: new Map(thoughts.map((thought) => [thought.id, embed(thought.text)]))
	};
}

export function seededLibraryCase(
	count: number,
	seed: number,
	embed = loadBuiltinModel().embed
): TaggerCase {
	const thoughts = generateThoughts(count, seed, SEED_END).filter((t) => t.tags.length);
	return {
		name: `Seeded library (scripts/seed-data.ts, ${count} thoughts, seed ${seed})`,
		rows: thoughts.map((t) => ({ id: t.id, hash: t.id, tags: parseTags(t.text) })),
		vectors: new Map(thoughts.map((t) => [t.id, embed(withoutTags(t.text))])),
		taggedVectors: new Map(thoughts.map((t) => [t.id, embed(t.text)]))
	};
}
