import { handleError } from '$lib/app/handle-error';
import { throttle } from '$lib/app/throttle';
import type { Replica } from '$lib/replica/replica';
import type { ThoughtRow, ViewChanges } from '$lib/replica/view-store';
import { fuseRankings } from '$lib/ai/rank-fusion';
import type { SemanticIndex } from '$lib/ai/semantic-index.svelte';
import type { ThoughtId } from '$sync/ids';
import { ThoughtSearchIndex, scanMatcher } from './search-index';

/** Candidates taken from each ranking before fusion, and results shown. */
const CANDIDATES = 100;
const RESULTS = 50;
/** Below this cosine a thought is not about the query (tuned on models/eval; see EVAL.md). */
const MIN_SIMILARITY = 0.3;
const REFRESH_MS = 500;
/** Rows read per request while the index is still being built. */
const SCAN_PAGE = 1000;
/** Rows read per request to build the index. */
const BUILD_PAGE = 5000;

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
		void (this.isReady ? this.#search(query) : this.#scan(query));
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
				if (page.length < SCAN_PAGE) break;
				// Thoughts sharing the last timestamp may go on in the next page: read it again and
				// skip those seen. A page of one timestamp only moves past it.
				const last = page.at(-1)!.createdAt;
				isInclusive = page[0].createdAt !== last;
				upper = last;
				seen.clear();
				for (const row of page) if (row.createdAt === last) seen.add(row.id);
			}
			if (run === this.#run && !this.isReady) this.results = found.slice(0, RESULTS);
		} catch (error) {
			handleError(error, 'Search failed');
		}
	}

	/** Words and meaning together: full-text and cosine rankings fused (RRF). */
	async #search(query: string): Promise<void> {
		const run = ++this.#run;
		const ids = await this.#hybridIds(query);
		if (run !== this.#run) return;
		const rows = await this.#replica.view.thoughts.bulkGet(ids);
		if (run === this.#run) this.results = rows.filter((row): row is ThoughtRow => !!row);
	}

	async #hybridIds(query: string): Promise<ThoughtId[]> {
		const byWords = this.#index.search(query, CANDIDATES);
		const semantic = this.#semantic();
		if (semantic !== this.#watched) {
			// Results shown while thoughts were still being embedded improve as vectors arrive.
			this.#stopWatching();
			this.#stopWatching = semantic?.onUpdated(this.#refresh) ?? (() => {});
			this.#watched = semantic;
		}
		if (!semantic?.isAvailable || semantic.size === 0 || !query.trim()) {
			return byWords.slice(0, RESULTS);
		}
		try {
			const vector = await semantic.embedText(query);
			const byMeaning = semantic.nearest(vector, CANDIDATES, MIN_SIMILARITY).map((hit) => hit.id);
			return fuseRankings([byWords, byMeaning], RESULTS);
		} catch (error) {
			handleError(error, 'Search by meaning failed; showing word matches');
			return byWords.slice(0, RESULTS);
		}
	}
}

const searches = new WeakMap<Replica, Search>();

export function searchFor(replica: Replica, semantic: () => SemanticIndex | null): Search {
	let search = searches.get(replica);
	if (!search) {
		search = new Search(replica, semantic);
		searches.set(replica, search);
	}
	return search;
}
