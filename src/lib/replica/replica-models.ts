import type * as Y from 'yjs';
import {
	activeEmbedderId,
	listModels,
	observeModels,
	registerModel,
	setActiveEmbedder,
	type ModelEntry
} from '$sync/doc/model-registry';
import {
	addVersion,
	aliasesOf,
	getVersion,
	listVersions,
	newVersionId,
	promote,
	removeVersion,
	rollBack,
	setVersionBackend,
	versionNumber,
	type Aliases,
	type ModelTask,
	type ModelVersion,
	type RunBackend
} from '$sync/doc/model-versions';

/** Refuses writes to docs a newer app version wrote (the replica's SchemaGuard). */
export interface WriteGuard {
	assertWritable(): void;
}

/**
 * The user's model registry. It lives in the root doc, so every device of the user shares the
 * same models, versions, aliases and active embedder. Writes throw ModelVersionError (with its
 * code) when a rule refuses them.
 */
export class ReplicaModels {
	readonly #root: Y.Doc;
	readonly #guard: WriteGuard | undefined;

	constructor(root: Y.Doc, guard?: WriteGuard) {
		this.#root = root;
		this.#guard = guard;
	}

	list(): ModelEntry[] {
		return listModels(this.#root);
	}

	/** The active embedder, or null when none is set (or it names a model no longer listed). */
	get activeEmbedderId(): string | null {
		return activeEmbedderId(this.#root);
	}

	/** Adds or updates an entry (and its version); a no-op when nothing changed. */
	register(entry: ModelEntry): void {
		this.#write(() => registerModel(this.#root, entry));
	}

	/** Moves the embed alias to the model; throws for an id that is not registered. */
	setActiveEmbedder(id: string): void {
		this.#write(() => setActiveEmbedder(this.#root, id));
	}

	/** Oldest first. */
	listVersions(filter?: { model?: string; task?: ModelTask }): ModelVersion[] {
		return listVersions(this.#root, filter);
	}

	getVersion(id: string): ModelVersion | null {
		return getVersion(this.#root, id);
	}

	/** A fresh id for a new version of the model. */
	newVersionId(model: string): string {
		return newVersionId(model);
	}

	/** Throws for an id that exists or a version that does not validate. */
	addVersion(version: ModelVersion): void {
		this.#write(() => addVersion(this.#root, version));
	}

	/** 1-based within its model, the same on every device. */
	versionNumber(version: ModelVersion): number {
		return versionNumber(this.#root, version);
	}

	aliasesOf(task: ModelTask): Aliases {
		return aliasesOf(this.#root, task);
	}

	/** The version becomes active and the active one previous (for embed: the active embedder). */
	promote(task: ModelTask, versionId: string): void {
		this.#write(() => promote(this.#root, task, versionId));
	}

	/** Swaps active and previous; throws when there is no previous version. */
	rollBack(task: ModelTask): void {
		this.#write(() => rollBack(this.#root, task));
	}

	/** Throws for the active or the built-in version; a no-op for one already gone. */
	removeVersion(id: string): void {
		this.#write(() => removeVersion(this.#root, id));
	}

	/** The backend the version prefers (its "Run on" choice). */
	setBackend(versionId: string, backend: RunBackend): void {
		this.#write(() => setVersionBackend(this.#root, versionId, backend));
	}

	/** Told of every change (entries, versions, aliases), from this device or another; returns the stop. */
	onChanged(listener: () => void): () => void {
		return observeModels(this.#root, listener);
	}

	#write(change: () => void): void {
		this.#guard?.assertWritable();
		change();
	}
}
