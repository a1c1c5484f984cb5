import { handleError } from '$lib/app/handle-error';
import { perReplica } from '$lib/app/per-replica';
import { throttle } from '$lib/app/throttle';
import type { Replica } from '$lib/replica/replica';
import type { ThoughtRow, ViewChanges } from '$lib/replica/view-db';
import type { Scored } from '$lib/ai/rank-fusion';
import type { SemanticIndex } from '$lib/ai/semantic-index.svelte';
import type { ThoughtId } from '$sync/ids';
import { ThoughtSearchIndex, scanMatcher } from './search-index';
import { CANDIDATES, RESULTS, WEAK_SIMILARITY, extendShown, rankHybrid } from './search-ranking';

const REFRESH_MS = 500;
/** Rows read per request while the index is still being built. */
const SCAN_PAGE = 1000;
/** Rows read per request to build the index. */
const BUILD_PAGE = 5000;
/**
 * How long word matches wait for the meaning of the query. Usually it comes in a few ms; while
 * the model is still loading after the app opens (about a second) or the worker is busy
 * embedding a large import, word matches are shown first and the meaning joins them later.
 */
const MEANING_WAIT_MS = 120;

/**
 * Search as you type, by words and by meaning. The word index is built from the view once per
 * replica (not per visit to the screen), then kept current from the replica's change events.
 * Until it is ready, a query is answered by scanning the newest thoughts for its words, then
 * again in full once the index is built.
 */
export class Search {
	query = $state('');
	results = $state.raw<ThoughtRow[]>([]);
	isReady = $state(false);
	isActive = $derived(this.query.trim().length > 0);
	/** A typed query or "Show more" is still being answered: no "No matches" meanwhile. */
	isSearching = $state(false);
	/** The ranking holds more than is shown. */
	hasMore = $state(false);
	/** Results asked for: RESULTS, and RESULTS more for each "Show more". */
	#limit = RESULTS;
	/** The last query's vector, kept for "Show more" and refreshes (same text, same model). */
	#meaning: { semantic: SemanticIndex; query: string; vector: Promise<Float32Array> } | null = null;
	#replica: Replica;
	#semantic: () => SemanticIndex | null;
	#refresh: () => void;
	/** The index whose new vectors re-run the query; follows a switch of the active model. */
	#watched: SemanticIndex | null = null;
	#stopWatching: () => void = () => {};
	#index = new ThoughtSearchIndex();
	#building: Promise<void> | undefined;
	#missed = new Map<ThoughtId, ThoughtRow | null>();
	#run = 0;

	constructor(replica: Replica, semantic: () => SemanticIndex | null) {
		this.#replica = replica;
		this.#semantic = semantic;
		replica.onChange((changes) => this.#reindex(changes));
		this.#refresh = throttle(() => {
			if (this.isReady && this.isActive) void this.#search(this.query);
		}, REFRESH_MS);
	}

	/** Builds the index the first time it is called; later calls return the same work. */
	buildIndex(): Promise<void> {
		this.#building ??= this.#build();
		return this.#building;
	}

	setQuery(query: string): void {
		this.query = query;
		this.#limit = RESULTS;
		this.isSearching = this.isActive;
		void (this.isReady ? this.#search(query) : this.#scan(query));
	}

	/** The next RESULTS of the ranking, below those shown (which stay where they are). */
	showMore(): void {
		if (!this.isReady || !this.hasMore) return;
		this.#limit += RESULTS;
		this.isSearching = true;
		void this.#search(this.query, true);
	}

	async #build(): Promise<void> {
		try {
			await this.#addAllRows();
			this.#apply(this.#missed);
			this.#missed.clear();
			this.isReady = true;
			if (this.isActive) await this.#search(this.query);
		} catch (error) {
			handleError(error, 'Could not prepare search');
		}
	}

	/**
	 * Reads the view in pages of ids, indexing each before the next: a single read of every row
	 * would hold up a query's scan until all of them had arrived.
	 */
	async #addAllRows(): Promise<void> {
		const thoughts = this.#replica.view.thoughts;
		let after: ThoughtId | null = null;
		for (;;) {
			const range = after === null ? thoughts.toCollection() : thoughts.where(':id').above(after);
			const rows: ThoughtRow[] = await range.limit(BUILD_PAGE).toArray();
			await this.#index.addAll(rows);
			if (rows.length < BUILD_PAGE) return;
			after = rows.at(-1)!.id;
		}
	}

	#reindex(changes: ViewChanges): void {
		if (!this.isReady) {
			// Rows read for the build may predate these changes: apply them once it is done.
			if (this.#building) for (const [id, row] of changes) this.#missed.set(id, row);
			return;
		}
		this.#apply(changes);
		if (this.isActive) void this.#search(this.query);
	}

	#apply(changes: ViewChanges): void {
		for (const [id, row] of changes) {
			if (row) this.#index.upsert(row);
			else this.#index.remove(id);
		}
	}

	/**
	 * The newest thoughts holding every word of the query (by prefix), read from the view a page
	 * at a time (one request per page: a cursor would wait on the busy main thread at every row).
	 * Each page's matches are shown as it arrives: in a large library the last page is far off.
	 */
	async #scan(query: string): Promise<void> {
		const run = ++this.#run;
		const matches = scanMatcher(query);
		const found: ThoughtRow[] = [];
		let upper = Infinity;
		let isInclusive = false;
		const seen = new Set<ThoughtId>();
		try {
			while (found.length < RESULTS && run === this.#run && !this.isReady) {
				const range = this.#replica.view.thoughts.where('createdAt');
				const page: ThoughtRow[] = await (
					isInclusive ? range.belowOrEqual(upper) : range.below(upper)
				)
					.reverse()
					.limit(SCAN_PAGE)
					.toArray();
				found.push(...page.filter((row) => !seen.has(row.id) && matches(row)));
				if (run !== this.#run || this.isReady) return;
				this.results = found.slice(0, RESULTS);
				this.hasMore = false;
				if (page.length < SCAN_PAGE) break;
				// Thoughts sharing the last timestamp may go on in the next page: read it again and
				// skip those seen. A page of one timestamp only moves past it.
				const last = page.at(-1)!.createdAt;
				isInclusive = page[0].createdAt !== last;
				upper = last;
				seen.clear();
				for (const row of page) if (row.createdAt === last) seen.add(row.id);
			}
		} catch (error) {
			handleError(error, 'Search failed');
		} finally {
			if (run === this.#run && !this.isReady) this.isSearching = false;
		}
	}

	/**
	 * Words and meaning together (search-ranking.ts). Word matches are ready at once; the meaning
	 * needs the query embedded by the model, which they wait for only briefly.
	 */
	async #search(query: string, isNextPage = false): Promise<void> {
		const run = ++this.#run;
		const limit = this.#limit;
		// One past the limit at least: a ranking longer than the limit is what "Show more" offers.
		const candidates = Math.max(CANDIDATES, limit + 1);
		try {
			const byWords = this.#index.search(query, candidates);
			const byMeaning = this.#byMeaning(query, candidates);
			let timer: ReturnType<typeof setTimeout> | undefined;
			const isLate = await Promise.race([
				byMeaning.then(() => false),
				new Promise<boolean>(
					(resolve) => (timer = setTimeout(() => resolve(true), MEANING_WAIT_MS))
				)
			]);
			clearTimeout(timer);
			if (isLate) await this.#show(run, byWords, limit, isNextPage);
			await this.#show(run, rankHybrid(byWords, await byMeaning), limit, isNextPage);
		} catch (error) {
			handleError(error, 'Search failed');
		} finally {
			if (run === this.#run) this.isSearching = false;
		}
	}

	async #show(run: number, ranking: ThoughtId[], limit: number, isNextPage: boolean) {
		const ids = isNextPage
			? extendShown(
					this.results.map((row) => row.id),
					ranking,
					limit
				)
			: ranking.slice(0, limit);
		const rows = await this.#replica.view.thoughts.bulkGet(ids);
		if (run !== this.#run) return;
		this.results = rows.filter((row): row is ThoughtRow => !!row);
		this.hasMore = ranking.length > limit;
	}

	/** Semantic hits down to the weak cut, or none while the model cannot answer. */
	async #byMeaning(query: string, candidates: number): Promise<Scored<ThoughtId>[]> {
		const semantic = this.#semantic();
		if (semantic !== this.#watched) {
			// Results shown while thoughts were still being embedded improve as vectors arrive.
			this.#stopWatching();
			this.#stopWatching = semantic?.onUpdated(this.#refresh) ?? (() => {});
			this.#watched = semantic;
		}
		if (!semantic?.isAvailable || semantic.size === 0 || !query.trim()) return [];
		try {
			const vector = await this.#vectorOf(semantic, query);
			return semantic.nearest(vector, candidates, WEAK_SIMILARITY);
		} catch (error) {
			this.#meaning = null;
			handleError(error, 'Search by meaning failed; showing word matches');
			return [];
		}
	}

	#vectorOf(semantic: SemanticIndex, query: string): Promise<Float32Array> {
		const kept = this.#meaning;
		if (kept?.semantic === semantic && kept.query === query) return kept.vector;
		this.#meaning = { semantic, query, vector: semantic.embedText(query) };
		return this.#meaning.vector;
	}
}

/** The replica's search: its word index is built once, not on every visit to the screen. */
export const searchFor = perReplica(
	(replica, semantic: () => SemanticIndex | null) => new Search(replica, semantic)
);
