import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseVocabulary, type Vocabulary } from '../../sync/ai/tokenizer';

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

/** A built-in embedder the runners load, with its vocabulary for counting tokens up front. */
export interface ServedEmbedder extends StaticModel {
	vocab: Vocabulary;
}

/**
 * Reads each served model's manifest. A model whose folder is missing is left out (the endpoint
 * answers 404 for it) rather than stopping the server: accounts and sync do not need it.
 */
export function loadStaticModels(
	modelsDir: string | undefined,
	ids: readonly string[] = SERVED_MODELS
): Map<string, ServedEmbedder> {
	const models = new Map<string, ServedEmbedder>();
	for (const id of ids) {
		const dir = modelsDir && join(modelsDir, id);
		if (!dir || !existsSync(join(dir, 'manifest.json'))) {
			console.warn(
				`AI: no model files for ${id} in ${modelsDir ?? 'static/models'}; not serving it`
			);
			continue;
		}
		const model = readManifest(dir, id);
		models.set(id, { ...model, vocab: parseVocabulary(readFileSync(model.vocabFile, 'utf8')) });
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
