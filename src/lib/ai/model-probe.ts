import type { DeviceType } from '@huggingface/transformers';
import type { ModelProbe } from '$sync/ai/model-check';
import { runOnnxProbe, type OnnxRuntime } from '$sync/ai/onnx-probe';
import { loadBundleModel } from './bundle-model';

let probes = 0;

/**
 * The device's probe, run in the AI worker: a head on onnxruntime-web (the runtime passed in,
 * the one the worker runs heads on), an embedder through transformers.js on the sample texts,
 * tokenizer included, exactly as the app will run it once stored.
 */
export function deviceProbe(runtime: OnnxRuntime, device: DeviceType = 'wasm'): ModelProbe {
	return async (request) => {
		if (request.task === 'tag') return runOnnxProbe(runtime, request);
		const model = await loadBundleModel(request.bundle, { id: `probe-${++probes}`, device });
		const { vectors } = await model.run(request.texts);
		return { dims: [request.texts.length, model.dims], values: vectors };
	};
}
