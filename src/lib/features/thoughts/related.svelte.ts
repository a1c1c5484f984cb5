import { handleError } from '$lib/app/handle-error';
import type { SemanticIndex } from '$lib/ai/semantic-index.svelte';
import { MIN_SIMILARITY } from '$lib/ai/similarity';
import type { Replica } from '$lib/replica/replica';
import type { ThoughtRow } from '$lib/replica/view-db';
import { words } from '$sync/ai/tokenizer';
import type { ThoughtId } from '$sync/ids';
import { parseTags } from '$sync/tags';
import { suggestTags, topScoredTags } from './suggest-tags';

/** The active tag model: null when there is none for this embedder (the vote stands in). */
export interface TagScorer {
	score(
		vector: Float32Array,
		embedder: string
	): Promise<{ labels: string[]; scores: Float32Array } | null>;
}

const DEBOUNCE_MS = 300;
const SHOWN = 3;
const NEIGHBOURS = 10;

/**
 * Nearest thoughts to a text being written or read, and tags the text does not have yet: the
 * active tagger's, or else the ones its neighbours carry. Follows the text as it changes,
 * debounced.
 */
export class Related {
	rows = $state.raw<ThoughtRow[]>([]);
	suggestedTags = $state.raw<string[]>([]);
	#timer: ReturnType<typeof setTimeout> | undefined;
	#stopWatching: () => void = () => {};
	/** The text last asked about: a late refresh must never bring back an older one. */
	#latest: { text: string; exclude?: ThoughtId } = { text: '' };
	#run = 0;

	constructor(
		private readonly replica: Replica,
		/** The active embedder's index, read at each update (it may change). */
		private readonly semanticIndex: () => SemanticIndex,
		private readonly tagger: TagScorer | null = null
	) {}

	follow(text: string, exclude?: ThoughtId): void {
		this.#latest = { text, exclude };
		clearTimeout(this.#timer);
		this.#timer = setTimeout(() => void this.#update(text, exclude), DEBOUNCE_MS);
	}

	stop(): void {
		clearTimeout(this.#timer);
		this.#stopWatching();
		this.#run++;
	}

	async #update(text: string, exclude?: ThoughtId): Promise<void> {
		const run = ++this.#run;
		const semantic = this.semanticIndex();
		// Thoughts embedded after this answer (e.g. one saved a moment ago) may belong in it.
		this.#stopWatching();
		this.#stopWatching = semantic.onUpdated(() =>
			this.follow(this.#latest.text, this.#latest.exclude)
		);
		if (words(text).length < 2 || !semantic.isAvailable) {
			this.rows = [];
			this.suggestedTags = [];
			return;
		}
		try {
			// Neighbours only exist once the stored vectors are loaded.
			await semantic.start();
			const vector = await semantic.embedText(text);
			const hits = semantic.nearest(vector, NEIGHBOURS, MIN_SIMILARITY, exclude);
			const rows = (await this.replica.view.thoughts.bulkGet(hits.map((hit) => hit.id))).filter(
				(row): row is ThoughtRow => !!row
			);
			const tags = await this.#suggest(vector, semantic.model.id, rows, hits, parseTags(text));
			if (run !== this.#run) return;
			this.rows = rows.slice(0, SHOWN);
			this.suggestedTags = tags;
		} catch (error) {
			handleError(error, 'Could not find related thoughts');
		}
	}

	async #suggest(
		vector: Float32Array,
		embedder: string,
		rows: ThoughtRow[],
		hits: { id: ThoughtId; score: number }[],
		written: string[]
	): Promise<string[]> {
		try {
			const scored = await this.tagger?.score(vector, embedder);
			if (scored) return topScoredTags(scored.labels, scored.scores, written);
		} catch (error) {
			// A tagger that cannot run here must not cost the person their suggestions.
			console.warn('The tag model failed; suggesting from neighbours', error);
		}
		return suggestTags(rows, hits, written);
	}
}
