import MiniSearch, { type Query } from 'minisearch';
import type { ThoughtId } from '$sync/ids';
import { typoQuery } from './search-typos';

/** What the index needs of a thought (a view row has more). */
interface Doc {
	id: ThoughtId;
	text: string;
	tags: string[];
}

const STOP_WORDS = new Set(
	'a an and are as at be but by did do for from had has have i in is it its me my no not of on or our so that the this to was we were with you your'.split(
		' '
	)
);

function processTerm(term: string): string | null {
	const lower = term.toLowerCase();
	return STOP_WORDS.has(lower) ? null : lower;
}

/** MiniSearch's default tokenizer: words split at spaces and punctuation. */
const SEPARATOR = /[\n\r\p{Z}\p{P}]+/u;

function terms(text: string): string[] {
	return text
		.split(SEPARATOR)
		.map(processTerm)
		.filter((term): term is string => !!term);
}

/**
 * A plain test for a thought holding every word of the query as a word prefix (no typos, no
 * ranking): answers a query while the index is still being built.
 */
export function scanMatcher(query: string): (doc: Doc) => boolean {
	const wanted = terms(query);
	return (doc) => {
		if (wanted.length === 0) return false;
		const words = terms(`${doc.text} ${doc.tags.join(' ')}`);
		return wanted.every((term) => words.some((word) => word.startsWith(term)));
	};
}

/**
 * Full-text search over the view: prefix and typo tolerant, tags boosted. Kept in memory and
 * updated from the replica's change events, so typing a query never touches IndexedDB.
 */
export class ThoughtSearchIndex {
	#index = new MiniSearch<Doc>({
		fields: ['text', 'tags'],
		extractField: (doc, field) =>
			field === 'tags' ? doc.tags.join(' ') : (doc[field as keyof Doc] as string),
		// Words like "the" match nearly every thought: indexing them only slows queries down.
		processTerm,
		searchOptions: { prefix: true, boost: { tags: 2 }, combineWith: 'AND' }
	});

	get size(): number {
		return this.#index.documentCount;
	}

	/** Adds rows in chunks, yielding between them so a large library does not freeze the page. */
	async addAll(rows: readonly Doc[]): Promise<void> {
		await this.#index.addAllAsync(rows.map(pick), { chunkSize: 1000 });
	}

	upsert(row: Doc): void {
		if (this.#index.has(row.id)) this.#index.replace(pick(row));
		else this.#index.add(pick(row));
	}

	remove(id: ThoughtId): void {
		if (this.#index.has(id)) this.#index.discard(id);
	}

	/** Best first; every word of the query must match (by prefix, or within its typo budget). */
	search(query: string, limit = 50): ThoughtId[] {
		const wanted = terms(query);
		if (wanted.length === 0) return [];
		const tree: Query = { combineWith: 'AND', queries: wanted.map(typoQuery) };
		return this.#index
			.search(tree)
			.slice(0, limit)
			.map((hit) => hit.id as ThoughtId);
	}
}

function pick({ id, text, tags }: Doc): Doc {
	return { id, text, tags };
}
