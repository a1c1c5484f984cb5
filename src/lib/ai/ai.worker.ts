/// <reference lib="webworker" />
import { readEmbedderBundle } from '$sync/ai/model-bundle';
import { validateModel } from '$sync/ai/model-check';
import { serveAiJobs } from './ai-jobs';
import { loadBundleModel } from './bundle-model';
import { deviceProbe } from './model-probe';
import { browserRuntimes } from './ort-runtimes';
import { fetchStaticModelFiles } from './static-model';
import { loadTransformersModel } from './transformers-model';

/**
 * The AI worker: runs models off the main thread, one job at a time, and reports what each job
 * cost and on which backend it ran.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const serve = serveAiJobs(
	{
		runtimes: browserRuntimes,
		fetchStaticFiles: fetchStaticModelFiles,
		loadTransformers: loadTransformersModel,
		loadBundle: (ref, files) => {
			const bundle = readEmbedderBundle(
				Object.entries(files).map(([path, bytes]) => ({ path, bytes }))
			);
			return loadBundleModel(bundle, { id: ref.version });
		},
		validate: async (upload, limits) =>
			validateModel(upload, deviceProbe(await browserRuntimes.wasm()), limits)
	},
	(response, transfer = []) => scope.postMessage(response, transfer)
);
scope.onmessage = (event) => serve(event.data);
