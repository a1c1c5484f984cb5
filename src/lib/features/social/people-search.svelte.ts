import * as v from 'valibot';
import { PeopleQuerySchema, type AuthorSummary } from '$sync/protocol/social';
import { socialApi } from './social-api';

export type SearchState = 'idle' | 'searching' | 'done' | 'invalid' | 'failed';

/** Finds people by the start of their handle, one page at a time; the newest query wins. */
export class PeopleSearch {
	people = $state.raw<AuthorSummary[]>([]);
	state = $state<SearchState>('idle');
	/** Why the query was refused or the search failed, in words for the person. */
	problem = $state('');
	/** The query the results are for. */
	query = $state('');
	#next: string | null = $state(null);
	#generation = 0;

	get hasMore(): boolean {
		return this.#next !== null;
	}

	async search(raw: string): Promise<void> {
		const generation = ++this.#generation;
		if (!raw.trim()) {
			this.#show('idle', [], null, '');
			return;
		}
		const parsed = v.safeParse(PeopleQuerySchema, { q: raw });
		if (!parsed.success) {
			this.#show('invalid', [], null, parsed.issues[0].message);
			return;
		}
		this.state = 'searching';
		await this.#load(generation, parsed.output.q);
	}

	async more(): Promise<void> {
		if (!this.#next || this.state === 'searching') return;
		// Marked before the request: a second press while it runs must not fetch the page again.
		this.state = 'searching';
		await this.#load(this.#generation, this.query, this.#next);
	}

	async #load(generation: number, q: string, after?: string): Promise<void> {
		try {
			const page = await socialApi.people(q, after);
			if (generation !== this.#generation) return;
			this.query = q;
			this.#show('done', after ? [...this.people, ...page.people] : page.people, page.next, '');
		} catch (error) {
			if (generation !== this.#generation) return;
			const message = error instanceof Error ? error.message : String(error);
			this.#show('failed', this.people, this.#next, message);
		}
	}

	#show(state: SearchState, people: AuthorSummary[], next: string | null, problem: string): void {
		this.state = state;
		this.people = people;
		this.#next = next;
		this.problem = problem;
	}
}
