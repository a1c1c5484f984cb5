import type { ModelEntry } from '$sync/doc/model-registry';
import type { ModelRef } from './protocol';

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
