import { entryVersion, type ModelEntry } from '$sync/doc/model-registry';
import type { ModelVersion } from '$sync/doc/model-versions';
import type { ModelRef } from './protocol';
import { uploadedModelRef } from './version-ref';

/** The embedding model that ships with the app (built by `npm run models:build`). */
export const BUILTIN_EMBEDDER: ModelEntry = {
	id: 'glove-sif-50k',
	name: 'Built-in: GloVe words, 50k vocabulary (offline)',
	version: '1.0.0',
	kind: 'static',
	source: 'builtin',
	dims: 100,
	location: '/models/glove-sif-50k/',
	addedAt: 0
};

export function modelRef(entry: ModelEntry, allowDownload = false): ModelRef {
	return {
		id: entry.id,
		version: entry.version,
		kind: entry.kind,
		location: entry.location,
		allowDownload
	};
}

/**
 * The embedders a person can search with: the registry's entries (built-in, hub), plus one per
 * embedder they uploaded, standing for its newest version. An uploaded one has versions only:
 * its files are blobs, so there is no folder or hub name to write in an entry.
 */
export function embedderEntries(entries: ModelEntry[], versions: ModelVersion[]): ModelEntry[] {
	const known = new Set(entries.map((entry) => entry.id));
	const uploaded = new Map<string, ModelVersion>();
	for (const version of versions) {
		if (version.task === 'embed' && version.sha256 && !known.has(version.model)) {
			uploaded.set(version.model, version); // oldest first: the last one wins
		}
	}
	return [
		...entries,
		...[...uploaded.values()].map((version): ModelEntry => ({
			id: version.model,
			name: version.name,
			version: version.id,
			kind: version.format === 'static' ? 'static' : 'transformers',
			source: 'user',
			dims: version.dims[0],
			location: '',
			addedAt: version.createdAt
		}))
	];
}

/** The uploaded version an entry of `embedderEntries` stands for, or null for a stored entry. */
export function uploadedVersionOf(
	entry: ModelEntry,
	versionOf: (id: string) => ModelVersion | null
): ModelVersion | null {
	const version = entry.source === 'user' ? versionOf(entry.version) : null;
	return version?.sha256 && version.model === entry.id ? version : null;
}

/**
 * The worker's reference for an entry: an uploaded embedder's files by sha256, otherwise the
 * entry's folder or hub name; with the backend chosen for it.
 */
export function embedderRef(
	entry: ModelEntry,
	versionOf: (id: string) => ModelVersion | null,
	allowDownload = false
): ModelRef {
	const uploaded = uploadedVersionOf(entry, versionOf);
	if (uploaded) return uploadedModelRef(uploaded) ?? modelRef(entry);
	return { ...modelRef(entry, allowDownload), backend: versionOf(entryVersion(entry).id)?.backend };
}
