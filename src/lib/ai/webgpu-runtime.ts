import * as ort from 'onnxruntime-web';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';

/**
 * onnxruntime-web's GPU build (its WebGPU provider, with its own 28 MB wasm), imported only when
 * a model is set to run on WebGPU. Not `onnxruntime-web/webgpu`: vite.config.ts points that name
 * at the wasm build for transformers.js. Kept out of the service worker's precache: offline
 * without it cached, the import fails and the model runs on wasm (backend.ts says why).
 */
ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = { wasm: wasmUrl };

export { ort };
