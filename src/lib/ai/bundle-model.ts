import type { DeviceType } from '@huggingface/transformers';
import type { EmbedderBundle } from '$sync/ai/model-bundle';
import type { LoadedModel } from './static-model';
import { configureTransformersEnv, embedderFrom } from './transformers-model';

/**
 * Runs a person's own embedder (a transformers.js model folder they uploaded) from its bytes:
 * transformers.js reads every file through a cache that answers from memory, so nothing is
 * fetched, from the hub or from this origin.
 */

/** The owner part of the name transformers.js is given; only the in-memory cache answers it. */
const BUNDLE_OWNER = 'user-model';

export interface BundleLoadOptions {
	/** Names the bundle for transformers.js (e.g. its version id); unique per bundle. */
	id: string;
	/** The worker runs wasm; Node (tests, the server) runs onnxruntime-node's 'cpu'. */
	device?: DeviceType;
}

/** The bundle's files by their path in the folder, the ONNX file as the fp32 weights. */
function filesOf(bundle: EmbedderBundle): Map<string, Uint8Array> {
	// Whatever weights it had, the one kept is served as onnx/model.onnx (dtype fp32): the dtype
	// only picks the file name, and the validator checked the graph's inputs and outputs.
	return new Map([...Object.entries(bundle.files), ['onnx/model.onnx', bundle.onnx]]);
}

/** A Cache API lookalike over the bundle: a request for `<name>/<file>` gets that file. */
function memoryCache(name: string, files: Map<string, Uint8Array>) {
	return {
		async match(request: string) {
			// transformers.js asks by local path first, then by hub URL (`<name>/resolve/main/<file>`).
			const path = request.split('?')[0];
			if (!path.includes(`${name}/`)) return undefined;
			for (const [file, bytes] of files) {
				if (path.endsWith(`/${file}`)) return new Response(bytes.slice());
			}
			return undefined;
		},
		// The files are already here; nothing is ever written anywhere.
		async put() {}
	};
}

/** Loads the bundle as a feature-extraction pipeline: mean-pooled, unit-length vectors. */
export async function loadBundleModel(
	bundle: EmbedderBundle,
	{ id, device = 'wasm' }: BundleLoadOptions
): Promise<LoadedModel> {
	const { env, pipeline } = await import('@huggingface/transformers');
	const name = `${BUNDLE_OWNER}/${id}`;
	// The app's own wasm runtime, no hub (allowDownload is unset).
	configureTransformersEnv(env, { id, version: id, kind: 'transformers', location: name });
	const previous = {
		useCustomCache: env.useCustomCache,
		customCache: env.customCache,
		fetch: env.fetch
	};
	env.useCustomCache = true;
	env.customCache = memoryCache(name, filesOf(bundle));
	// A file the bundle lacks is not looked for on this origin either: it is simply not there.
	env.fetch = (input, init) =>
		String(input).includes(`${name}/`)
			? Promise.resolve(new Response(null, { status: 404 }))
			: previous.fetch(input, init);
	try {
		const extractor = await pipeline('feature-extraction', name, { dtype: 'fp32', device });
		return await embedderFrom(extractor);
	} finally {
		// Catalog models keep the Cache API and the network: the worker loads one model at a time.
		Object.assign(env, previous);
	}
}
