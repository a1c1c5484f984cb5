import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The models the server fallback runs: the built-in ones the PWA ships in static/models. */
export const SERVED_MODELS = ['glove-sif-50k'] as const;

/** A static embedder on disk, as its manifest describes it. */
export interface StaticModel {
	id: string;
	version: string;
	dims: number;
	maxTokens: number;
	modelFile: string;
	vocabFile: string;
}

/**
 * Reads each served model's manifest. A model whose folder is missing is left out (the endpoint
 * answers 404 for it) rather than stopping the server: accounts and sync do not need it.
 */
export function loadStaticModels(
	modelsDir: string | undefined,
	ids: readonly string[] = SERVED_MODELS
): Map<string, StaticModel> {
	const models = new Map<string, StaticModel>();
	for (const id of ids) {
		const dir = modelsDir && join(modelsDir, id);
		if (!dir || !existsSync(join(dir, 'manifest.json'))) {
			console.warn(
				`AI: no model files for ${id} in ${modelsDir ?? 'static/models'}; not serving it`
			);
			continue;
		}
		models.set(id, readManifest(dir, id));
	}
	return models;
}

function readManifest(dir: string, id: string): StaticModel {
	const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<
		string,
		unknown
	>;
	const { version, dims, maxTokens, kind } = manifest;
	if (
		manifest.id !== id ||
		kind !== 'static-embedder' ||
		typeof version !== 'string' ||
		!Number.isInteger(dims) ||
		!Number.isInteger(maxTokens)
	) {
		throw new Error(`${join(dir, 'manifest.json')} does not describe the static embedder ${id}`);
	}
	return {
		id,
		version,
		dims: dims as number,
		maxTokens: maxTokens as number,
		modelFile: join(dir, 'model.onnx'),
		vocabFile: join(dir, 'vocab.txt')
	};
}
