import { handleError } from '$lib/app/handle-error';
import { throttle } from '$lib/app/throttle';
import type { Replica } from '$lib/replica/replica';
import type { ThoughtRow } from '$lib/replica/view-store';
import { fuseRankings } from '$lib/ai/rank-fusion';
import type { SemanticIndex } from '$lib/ai/semantic-index.svelte';
import type { ThoughtId } from '$sync/ids';
import { ThoughtSearchIndex } from './search-index';

/** Candidates taken from each ranking before fusion, and results shown. */
const CANDIDATES = 100;
const RESULTS = 50;
/** Below this cosine a thought is not about the query (tuned on models/eval; see EVAL.md). */
const MIN_SIMILARITY = 0.3;
const REFRESH_MS = 500;

/**
 * Search as you type, by words and by meaning. The word index is built from the view once per
 * replica (not per visit to the screen), then kept current from the replica's change events.
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
	#run = 0;

	constructor(replica: Replica, semantic: () => SemanticIndex | null) {
		this.#replica = replica;
		this.#semantic = semantic;
		replica.onChange((ids) => void this.#reindex([...ids]));
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
		if (this.isReady) void this.#search(query);
	}

	async #build(): Promise<void> {
		try {
			await this.#index.addAll(await this.#replica.view.thoughts.toArray());
			this.isReady = true;
			if (this.isActive) await this.#search(this.query);
		} catch (error) {
			handleError(error, 'Could not prepare search');
		}
	}

	async #reindex(ids: ThoughtRow['id'][]): Promise<void> {
		if (!this.isReady) return;
		const rows = await this.#replica.view.thoughts.bulkGet(ids);
		rows.forEach((row, i) => (row ? this.#index.upsert(row) : this.#index.remove(ids[i])));
		if (this.isActive) await this.#search(this.query);
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
