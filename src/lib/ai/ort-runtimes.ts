import * as ort from 'onnxruntime-web/wasm';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import type { GpuLike, Runtimes } from './backend';

// One thread: for these small graphs, threads only add synchronisation cost (notes/ai.md §1.3).
ort.env.wasm.numThreads = 1;
// Self-hosted wasm, precached by the service worker: no CDN, works offline.
ort.env.wasm.wasmPaths = { wasm: wasmUrl };

/** The CPU runtime alone, for the training worker: its bundle never holds the GPU build. */
export const wasmRuntimes: Runtimes = {
	wasm: async () => ort,
	webgpu: () => Promise.reject(new Error('This worker runs models on wasm only.')),
	gpu: undefined
};

/** The AI worker's runtimes: the precached wasm build, the GPU build on first use only. */
export const browserRuntimes: Runtimes = {
	wasm: async () => ort,
	webgpu: async () => (await import('./webgpu-runtime')).ort,
	get gpu() {
		return (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
	}
};
