import { handleError } from '$lib/app/handle-error';
import type { Replica } from '$lib/replica/replica';
import type { ThoughtRow } from '$lib/replica/view-store';
import { ThoughtSearchIndex } from './search-index';

/**
 * Search as you type. The index is built from the view once per replica (not per visit to the
 * screen), then kept current from the replica's change events.
 */
export class Search {
	query = $state('');
	results = $state.raw<ThoughtRow[]>([]);
	isReady = $state(false);
	isActive = $derived(this.query.trim().length > 0);
	#replica: Replica;
	#index = new ThoughtSearchIndex();
	#building: Promise<void> | undefined;
	#run = 0;

	constructor(replica: Replica) {
		this.#replica = replica;
		replica.onChange((ids) => void this.#reindex([...ids]));
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

	async #search(query: string): Promise<void> {
		const run = ++this.#run;
		const ids = this.#index.search(query);
		const rows = await this.#replica.view.thoughts.bulkGet(ids);
		if (run === this.#run) this.results = rows.filter((row): row is ThoughtRow => !!row);
	}
}

const searches = new WeakMap<Replica, Search>();

export function searchFor(replica: Replica): Search {
	let search = searches.get(replica);
	if (!search) {
		search = new Search(replica);
		searches.set(replica, search);
	}
	return search;
}
