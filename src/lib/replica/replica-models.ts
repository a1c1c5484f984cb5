import type * as Y from 'yjs';
import {
	activeEmbedderId,
	listModels,
	observeModels,
	registerModel,
	setActiveEmbedder,
	type ModelEntry
} from '$sync/doc/model-registry';

/**
 * The user's model registry. It lives in the root doc, so every device of the user shares the
 * same models and the same active embedder.
 */
export class ReplicaModels {
	readonly #root: Y.Doc;

	constructor(root: Y.Doc) {
		this.#root = root;
	}

	list(): ModelEntry[] {
		return listModels(this.#root);
	}

	/** The active embedder, or null when none is set (or it names a model no longer listed). */
	get activeEmbedderId(): string | null {
		return activeEmbedderId(this.#root);
	}

	/** Adds or updates an entry; a no-op when nothing changed. */
	register(entry: ModelEntry): void {
		registerModel(this.#root, entry);
	}

	/** Throws for an id that is not registered. */
	setActiveEmbedder(id: string): void {
		setActiveEmbedder(this.#root, id);
	}

	/** Told of every change, from this device or another; returns the stop. */
	onChanged(listener: () => void): () => void {
		return observeModels(this.#root, listener);
	}
}
