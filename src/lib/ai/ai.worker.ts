/// <reference lib="webworker" />
import type { ModelRef, WorkerRequest, WorkerResponse } from './protocol';
import { loadStaticModel, type LoadedModel } from './static-model';
import { loadTransformersModel } from './transformers-model';

/**
 * The AI worker: runs models off the main thread, one job at a time, and reports what each job
 * cost. Models are loaded once per id and version.
 */
const models = new Map<string, Promise<LoadedModel>>();
let queue = Promise.resolve();

function modelFor(ref: ModelRef): Promise<LoadedModel> {
	const key = `${ref.id}@${ref.version}`;
	let model = models.get(key);
	if (!model) {
		model =
			ref.kind === 'transformers'
				? loadTransformersModel(ref, (loaded, total) =>
						post({ type: 'progress', model: ref.id, loaded, total })
					)
				: loadStaticModel(ref);
		models.set(key, model);
		// A failed load may succeed later (e.g. back online): do not cache the failure.
		model.catch(() => models.delete(key));
	}
	return model;
}

async function embed(request: Extract<WorkerRequest, { type: 'embed' }>): Promise<WorkerResponse> {
	const started = performance.timeOrigin + performance.now();
	const model = await modelFor(request.model);
	const runStart = performance.now();
	const { vectors, tokens } = await model.run(request.texts);
	return {
		type: 'embedded',
		jobId: request.jobId,
		dims: model.dims,
		vectors,
		stats: {
			backend: 'wasm',
			batch: request.texts.length,
			inputChars: request.texts.reduce((sum, text) => sum + text.length, 0),
			inputTokens: tokens,
			queueMs: started - request.queuedAt,
			runMs: performance.now() - runStart
		}
	};
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
	const request = event.data;
	queue = queue.then(async () => {
		let response: WorkerResponse;
		try {
			response =
				request.type === 'load'
					? (await modelFor(request.model), { type: 'loaded', jobId: request.jobId })
					: await embed(request);
		} catch (error) {
			response = {
				type: 'failed',
				jobId: request.jobId,
				message: error instanceof Error ? error.message : String(error)
			};
		}
		post(response, response.type === 'embedded' ? [response.vectors.buffer] : []);
	});
};

function post(response: WorkerResponse, transfer: Transferable[] = []): void {
	(self as unknown as DedicatedWorkerGlobalScope).postMessage(response, transfer);
}
