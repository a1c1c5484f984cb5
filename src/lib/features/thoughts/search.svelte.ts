import { handleError } from '$lib/app/handle-error';
import type { Replica } from '$lib/replica/replica';
import type { ThoughtRow } from '$lib/replica/view-store';
import { ThoughtSearchIndex } from './search-index';

/**
 * Search as you type. The index is built from the view once, after the first paint, then kept
 * current from the replica's change events.
 */
export class Search {
	query = $state('');
	results = $state.raw<ThoughtRow[]>([]);
	isReady = $state(false);
	isActive = $derived(this.query.trim().length > 0);
	#replica: Replica;
	#index = new ThoughtSearchIndex();
	#run = 0;

	constructor(replica: Replica) {
		this.#replica = replica;
		$effect(() => {
			const query = this.query;
			if (this.isReady) void this.#search(query);
		});
		$effect(() =>
			replica.onChange((ids) => {
				void this.#reindex([...ids]);
			})
		);
	}

	async buildIndex(): Promise<void> {
		try {
			await this.#index.addAll(await this.#replica.view.thoughts.toArray());
			this.isReady = true;
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
