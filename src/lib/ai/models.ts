import type { ModelRef } from './protocol';

/** The embedding model that ships with the app (built by `npm run models:build`). */
export const BUILTIN_EMBEDDER: ModelRef = {
	id: 'glove-sif-50k',
	version: '1.0.0',
	baseUrl: '/models/glove-sif-50k/'
};
