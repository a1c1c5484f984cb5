import type { TagScorer } from '$lib/features/thoughts/related.svelte';
import type { ArtifactStore, HeadRunner, ModelVersion, RunBackend, VersionRegistry } from './ports';

/** Where a version last ran on this device, and why it fell back when it did. */
export interface LastRun {
	backend: RunBackend;
	fallback?: string;
}

export interface ActiveTaggerDeps {
	registry: VersionRegistry;
	blobs: ArtifactStore;
	runner: () => HeadRunner;
}

/**
 * The active tag model, run over an embedding of the active embedder. A head trained on another
 * embedder reads vectors of another space, so it gives way to the neighbour vote until retrained.
 */
export class ActiveTagger implements TagScorer {
	/** By version id, for this session; shown next to the version's "Run on" choice. */
	lastRuns = $state.raw<Record<string, LastRun>>({});
	#bytes = new Map<string, Promise<Uint8Array>>();

	constructor(private readonly deps: ActiveTaggerDeps) {}

	/** The active tag version, if it reads vectors of the given embedder. */
	usable(embedder: string): ModelVersion | null {
		const id = this.deps.registry.aliasesOf('tag').active;
		const version = id ? this.deps.registry.getVersion(id) : null;
		const isUsable = version?.sha256 && version.labels?.length && version.embedder === embedder;
		return isUsable ? version : null;
	}

	async score(
		vector: Float32Array,
		embedder: string
	): Promise<{ labels: string[]; scores: Float32Array } | null> {
		const version = this.usable(embedder);
		if (!version?.sha256 || !version.labels) return null;
		const bytes = await this.#bytesOf(version.sha256);
		const head = { versionId: version.id, bytes, labels: version.labels, backend: version.backend };
		const { scores, backend, fallback } = await this.deps.runner().scoreTags(head, [vector]);
		this.lastRuns = { ...this.lastRuns, [version.id]: { backend, fallback } };
		return { labels: version.labels, scores: scores[0] };
	}

	/** A failed fetch (offline, not uploaded yet) is tried again next time. */
	#bytesOf(sha256: string): Promise<Uint8Array> {
		let bytes = this.#bytes.get(sha256);
		if (!bytes) {
			bytes = this.deps.blobs.get(sha256).catch((error: unknown) => {
				this.#bytes.delete(sha256);
				throw error;
			});
			this.#bytes.set(sha256, bytes);
		}
		return bytes;
	}
}
