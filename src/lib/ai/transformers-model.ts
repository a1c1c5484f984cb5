import type {
	env as transformersEnv,
	FeatureExtractionPipeline,
	ProgressInfo
} from '@huggingface/transformers';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { ModelRef } from './protocol';
import type { LoadedModel } from './static-model';

/** Where this origin may serve transformers.js model folders of its own (`/models/<name>/`). */
export const LOCAL_MODEL_PATH = '/models/';
/** 8-bit weights (the hub's onnx/model_quantized.onnx): what the catalog's sizes refer to. */
const DTYPE = 'q8';

/** Bytes of the model's files read so far, and in all (0 while unknown). */
export type OnLoadProgress = (loaded: number, total: number) => void;

/** The part of transformers.js' global `env` this module decides. */
export type TransformersEnv = Pick<
	typeof transformersEnv,
	'allowRemoteModels' | 'allowLocalModels' | 'localModelPath' | 'useBrowserCache' | 'backends'
>;

/** Sets transformers.js up for one load; the worker loads one model at a time. */
export function configureTransformersEnv(env: TransformersEnv, ref: ModelRef): void {
	// The hub only for a model the person agreed to download: otherwise cache or this origin.
	env.allowRemoteModels = ref.allowDownload === true;
	// Off by default in browsers; on, a cache miss may be served by this origin under /models/.
	env.allowLocalModels = true;
	env.localModelPath = LOCAL_MODEL_PATH;
	// Downloaded files are kept in the Cache API (`transformers-cache`): later loads are offline.
	env.useBrowserCache = true;
	const wasm = env.backends.onnx.wasm;
	// Without the runtime's flags transformers.js would fall back to its CDN default: refuse.
	if (!wasm) throw new Error('The ONNX runtime for transformer models did not load.');
	// The app's own, precached copy of the runtime (the one the built-in model uses); no CDN.
	wasm.wasmPaths = { wasm: wasmUrl };
	// Worker threads need SharedArrayBuffer (cross-origin isolation); 0 lets ORT pick a count.
	wasm.numThreads = globalThis.crossOriginIsolated ? 0 : 1;
}

/**
 * Loads a transformers.js feature-extraction model by name: from the cache if it was downloaded
 * before, else (with consent in `ref.allowDownload`) from the model hub, reporting the bytes.
 */
export async function loadTransformersModel(
	ref: ModelRef,
	onProgress?: OnLoadProgress
): Promise<LoadedModel> {
	// Imported on first use, so the built-in model's worker never loads transformers.js.
	const { env, pipeline } = await import('@huggingface/transformers');
	configureTransformersEnv(env, ref);
	const extractor = await pipeline('feature-extraction', ref.location, {
		dtype: DTYPE,
		device: 'wasm',
		progress_callback: (info: ProgressInfo) => {
			if (info.status === 'progress_total') onProgress?.(info.loaded, info.total);
		}
	});
	return embedderFrom(extractor);
}

/** A feature-extraction pipeline as a LoadedModel: mean-pooled, unit-length vectors. */
export async function embedderFrom(extractor: FeatureExtractionPipeline): Promise<LoadedModel> {
	const embed = async (texts: string[]) => {
		const output = await extractor(texts, { pooling: 'mean', normalize: true });
		// A copy that owns its whole buffer: the worker transfers the buffer to the page.
		return new Float32Array(output.data as Float32Array);
	};
	// The width is whatever the model outputs, whatever its config claims.
	const dims = (await embed(['probe'])).length;
	return {
		dims,
		async run(texts) {
			const vectors = await embed(texts);
			// The same tokenisation the pipeline ran (padded, truncated): real tokens are mask 1s.
			const { attention_mask } = extractor.tokenizer(texts, { padding: true, truncation: true });
			let tokens = 0;
			for (const value of attention_mask.data as BigInt64Array) tokens += Number(value);
			return { vectors, tokens };
		}
	};
}
