import { handleError } from '$lib/app/handle-error';
import type { Replica } from '$lib/replica/replica';
import type { ModelEntry } from '$sync/doc/model-registry';
import { BUILTIN_EMBEDDER, modelRef } from './models';
import { SemanticIndex } from './semantic-index.svelte';

/**
 * The user's embedders and which one search uses. Switching re-embeds every thought with the
 * new model in the background; search moves over only once that model covers every thought,
 * so results never come from a half-built index. Vectors are kept per model, never mixed.
 */
export class Embedders {
	models = $state.raw<ModelEntry[]>([]);
	activeId = $state(BUILTIN_EMBEDDER.id);
	/** The model being prepared to become active, if any. */
	preparing = $state<SemanticIndex | null>(null);
	#indexes = new Map<string, SemanticIndex>();

	constructor(private readonly replica: Replica) {
		// Every device writes the same entry, so concurrent registrations agree. No active model
		// is written by default: a new device must not override a choice made on another one
		// before its root doc has synced. Unset means the built-in model.
		if (!replica.isReadOnly) replica.registerModel(BUILTIN_EMBEDDER);
		this.#refresh();
		replica.onModelsChanged(() => this.#refresh());
	}

	get active(): SemanticIndex {
		return this.indexFor(this.models.find((m) => m.id === this.activeId) ?? BUILTIN_EMBEDDER);
	}

	/** One index per model; asking again with consent to download replaces one made without. */
	indexFor(entry: ModelEntry, allowDownload = false): SemanticIndex {
		let index = this.#indexes.get(entry.id);
		if (!index || (allowDownload && !index.model.allowDownload)) {
			index = new SemanticIndex(this.replica, modelRef(entry, allowDownload));
			this.#indexes.set(entry.id, index);
		}
		return index;
	}

	/** Embeds everything with the model, then makes it the active one. */
	async activate(entry: ModelEntry, allowDownload = false): Promise<boolean> {
		if (entry.id === this.activeId) return true;
		this.replica.registerModel(entry);
		const index = this.indexFor(entry, allowDownload);
		this.preparing = index;
		try {
			await index.start();
			const total = await this.replica.view.thoughts.count();
			if (!index.isAvailable || index.size < total) return false;
			this.replica.setActiveEmbedder(entry.id);
			return true;
		} catch (error) {
			handleError(error, `Could not switch to ${entry.name}`);
			return false;
		} finally {
			this.preparing = null;
		}
	}

	#refresh(): void {
		this.models = this.replica.models;
		this.activeId = this.replica.activeEmbedderId ?? BUILTIN_EMBEDDER.id;
	}
}

const embedders = new WeakMap<Replica, Embedders>();

export function embeddersFor(replica: Replica): Embedders {
	let found = embedders.get(replica);
	if (!found) {
		found = new Embedders(replica);
		embedders.set(replica, found);
	}
	return found;
}
