import { padBatch, parseVocabulary, tokenize } from '$sync/ai/tokenizer';
import { ModelSession, type ExecutionBackend, type Runtimes } from './backend';
import type { ModelFiles } from './protocol';

export interface LoadedModel {
	dims: number;
	/** The backend that runs it (wasm when unset) and, when it is not the one asked for, why. */
	readonly backend?: ExecutionBackend;
	readonly fallback?: string;
	run(texts: string[]): Promise<{ vectors: Float32Array; tokens: number }>;
}

/** A static embedder's two files, as the built-in's folder and an uploaded copy hold them. */
export const STATIC_MODEL_FILES = { graph: 'model.onnx', vocab: 'vocab.txt' } as const;

/** The built-in's files from the app's origin, where the service worker precached them. */
export async function fetchStaticModelFiles(location: string): Promise<ModelFiles> {
	const names = Object.values(STATIC_MODEL_FILES);
	const bytes = await Promise.all(names.map((name) => fetchBytes(`${location}${name}`)));
	return Object.fromEntries(names.map((name, i) => [name, bytes[i]]));
}

/** Opens a static embedder (model.onnx + vocab.txt) from its bytes. */
export async function loadStaticModel(
	files: ModelFiles,
	preferred: ExecutionBackend,
	runtimes: Runtimes
): Promise<LoadedModel> {
	const graph = files[STATIC_MODEL_FILES.graph];
	const vocabBytes = files[STATIC_MODEL_FILES.vocab];
	if (!graph || !vocabBytes) throw new Error('A static model needs model.onnx and vocab.txt.');
	const vocab = parseVocabulary(new TextDecoder().decode(vocabBytes));
	const session = await ModelSession.open(graph, preferred, runtimes);
	const probe = await session.run((Tensor) => ({
		input_ids: new Tensor('int32', new Int32Array(1), [1, 1])
	}));
	return {
		dims: probe.embeddings.dims[1],
		get backend() {
			return session.backend;
		},
		get fallback() {
			return session.fallback;
		},
		async run(texts) {
			const rows = texts.map((text) => tokenize(text, vocab));
			const { ids, length } = padBatch(rows);
			const output = await session.run((Tensor) => ({
				input_ids: new Tensor('int32', ids, [texts.length, length])
			}));
			return {
				vectors: output.embeddings.data as Float32Array,
				tokens: rows.reduce((sum, row) => sum + row.length, 0)
			};
		}
	};
}

async function fetchBytes(url: string): Promise<Uint8Array> {
	const res = await fetch(url);
	if (!res.ok) throw new Error(`Could not load ${url} (${res.status})`);
	return new Uint8Array(await res.arrayBuffer());
}
