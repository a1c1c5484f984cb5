import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { padBatch, parseVocabulary, tokenize, type Vocabulary } from '$sync/ai/tokenizer';
import type { ModelRef } from './protocol';

// One thread: for this tiny graph, threads only add synchronisation cost (notes/ai.md §1.3).
ort.env.wasm.numThreads = 1;
// Self-hosted wasm, precached by the service worker: no CDN, works offline.
ort.env.wasm.wasmPaths = { wasm: wasmUrl };

export interface LoadedModel {
	dims: number;
	run(texts: string[]): Promise<{ vectors: Float32Array; tokens: number }>;
}

/** Loads a static embedder (model.onnx + vocab.txt) into onnxruntime-web's wasm backend. */
export async function loadStaticModel(model: ModelRef): Promise<LoadedModel> {
	const [graph, vocabText] = await Promise.all([
		fetchBytes(`${model.location}model.onnx`),
		fetch(`${model.location}vocab.txt`).then((res) => res.text())
	]);
	const vocab: Vocabulary = parseVocabulary(vocabText);
	const session = await ort.InferenceSession.create(graph, { executionProviders: ['wasm'] });
	const probe = await session.run({
		input_ids: new ort.Tensor('int32', new Int32Array(1), [1, 1])
	});
	const dims = probe.embeddings.dims[1];
	return {
		dims,
		async run(texts) {
			const rows = texts.map((text) => tokenize(text, vocab));
			const { ids, length } = padBatch(rows);
			const output = await session.run({
				input_ids: new ort.Tensor('int32', ids, [texts.length, length])
			});
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
