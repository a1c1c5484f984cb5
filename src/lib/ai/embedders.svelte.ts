import { handleError } from '$lib/app/handle-error';
import { perReplica } from '$lib/app/per-replica';
import type { Replica } from '$lib/replica/replica';
import type { ModelEntry } from '$sync/doc/model-registry';
import { deviceBlobsFor } from '$lib/app/device-blobs';
import { AiClient } from './ai-client';
import { BUILTIN_EMBEDDER, embedderEntries, embedderRef, uploadedVersionOf } from './models';
import type { ModelRef } from './protocol';
import { SemanticIndex, type EmbedWorker } from './semantic-index.svelte';

/**
 * The user's embedders and which one search uses. Switching re-embeds every thought with the
 * new model in the background; search moves over only once that model covers every thought,
 * so results never come from a half-built index. Vectors are kept per model, never mixed.
 * Only the active index and the one being prepared exist: any other is disposed, so a model
 * left behind (or one that failed to load) does no work on later edits.
 */
export class Embedders {
	models = $state.raw<ModelEntry[]>([]);
	activeId = $state(BUILTIN_EMBEDDER.id);
	/** The model being prepared to become active, if any. */
	preparing = $state<SemanticIndex | null>(null);
	#indexes = new Map<string, SemanticIndex>();

	constructor(
		private readonly replica: Replica,
		private readonly newWorker: () => EmbedWorker = () => aiWorkerFor(replica)
	) {
		// Every device writes the same entry, so concurrent registrations agree. No active model
		// is written by default: a new device must not override a choice made on another one
		// before its root doc has synced. Unset means the built-in model.
		if (!replica.isReadOnly) replica.models.register(BUILTIN_EMBEDDER);
		this.#refresh();
		replica.models.onChanged(() => this.#refresh());
	}

	get active(): SemanticIndex {
		return this.indexFor(this.#activeEntry());
	}

	/** One index per model; asking again with consent to download replaces one made without. */
	indexFor(entry: ModelEntry, allowDownload = false): SemanticIndex {
		let index = this.#indexes.get(entry.id);
		if (!index || (allowDownload && !index.model.allowDownload)) {
			index?.dispose();
			const versionOf = (id: string) => this.replica.models.getVersion(id);
			const ref = embedderRef(entry, versionOf, allowDownload);
			index = new SemanticIndex(this.replica, ref, this.newWorker());
			this.#indexes.set(entry.id, index);
		}
		return index;
	}

	/** Embeds everything with the model, then makes it the active one. */
	async activate(entry: ModelEntry, allowDownload = false): Promise<boolean> {
		if (entry.id === this.activeId) return true;
		// An uploaded embedder has versions only (its files are blobs): nothing to register.
		const versionOf = (id: string) => this.replica.models.getVersion(id);
		if (!uploadedVersionOf(entry, versionOf)) this.replica.models.register(entry);
		const index = this.indexFor(entry, allowDownload);
		this.preparing = index;
		try {
			await index.start();
			const total = await this.replica.view.thoughts.count();
			if (!index.isAvailable || index.size < total) return false;
			this.replica.models.setActiveEmbedder(entry.id);
			return true;
		} catch (error) {
			handleError(error, `Could not switch to ${entry.name}`);
			return false;
		} finally {
			// A second switch started meanwhile keeps its own index.
			if (this.preparing === index) this.preparing = null;
			this.#disposeInactive();
		}
	}

	#activeEntry(): ModelEntry {
		return this.models.find((m) => m.id === this.activeId) ?? BUILTIN_EMBEDDER;
	}

	#refresh(): void {
		const before = this.#indexes.get(this.#activeEntry().id);
		const { models } = this.replica;
		this.models = embedderEntries(models.list(), models.listVersions({ task: 'embed' }));
		this.activeId = this.replica.models.activeEmbedderId ?? BUILTIN_EMBEDDER.id;
		if (!before || before.model.id === this.#activeEntry().id) return;
		this.#disposeInactive();
		// The new model takes over the old one's work; after a switch made on another device,
		// nothing else would start it.
		if (before.isStarted) void this.active.start();
	}

	#disposeInactive(): void {
		const kept = new Set([this.active, this.preparing]);
		for (const [id, index] of this.#indexes) {
			if (kept.has(index)) continue;
			index.dispose();
			this.#indexes.delete(id);
		}
	}
}

/** A worker for one index; a person's own embedder's files come from the device blob store. */
function aiWorkerFor(replica: Replica): EmbedWorker {
	const blobs = deviceBlobsFor(replica);
	const modelFiles = async ({ files = {} }: ModelRef) =>
		Object.fromEntries(
			await Promise.all(
				Object.entries(files).map(async ([path, sha256]) => [path, await blobs.get(sha256)])
			)
		);
	return new AiClient((entry) => replica.view.inferences.add(entry), { modelFiles });
}

export const embeddersFor = perReplica((replica) => new Embedders(replica));
