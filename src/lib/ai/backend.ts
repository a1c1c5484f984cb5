import type * as OrtModule from 'onnxruntime-web/wasm';
import type { InferenceSession, Tensor } from 'onnxruntime-web/wasm';

/** Where a model may run in the browser: the CPU wasm runtime, or the GPU through WebGPU. */
export type ExecutionBackend = 'wasm' | 'webgpu';

export type Ort = typeof OrtModule;

/** The part of `navigator.gpu` the choice needs. */
export interface GpuLike {
	requestAdapter(): Promise<unknown>;
}

/**
 * How the worker reaches onnxruntime-web: the wasm build it always has, the webgpu build only
 * when a model asks for it (a second 27 MB wasm, never precached), and the browser's GPU.
 */
export interface Runtimes {
	wasm(): Promise<Ort>;
	webgpu(): Promise<Ort>;
	gpu: GpuLike | undefined;
}

/** A model's inputs, built with the runtime's own Tensor class (each ORT build has its own). */
export type Feeds = (tensor: Ort['Tensor']) => Record<string, Tensor>;

/**
 * One model's ONNX session on the backend that actually runs it. WebGPU is tried only when
 * asked for; any failure (no GPU, no adapter, the build does not load, the session or a run
 * fails) moves the model to wasm for good, and `fallback` says why.
 */
export class ModelSession {
	/** Kept only while on WebGPU, to reopen the model on wasm if a run fails. */
	#bytes: Uint8Array | null;
	#runtimes: Runtimes;
	#ort: Ort;
	#session: InferenceSession;
	#backend: ExecutionBackend;
	#fallback: string | undefined;

	private constructor(bytes: Uint8Array, runtimes: Runtimes, opened: Opened) {
		this.#bytes = opened.backend === 'webgpu' ? bytes : null;
		this.#runtimes = runtimes;
		this.#ort = opened.ort;
		this.#session = opened.session;
		this.#backend = opened.backend;
		this.#fallback = opened.fallback;
	}

	static async open(
		bytes: Uint8Array,
		preferred: ExecutionBackend,
		runtimes: Runtimes
	): Promise<ModelSession> {
		const opened =
			preferred === 'webgpu'
				? await openOnGpu(bytes, runtimes)
				: await openOnWasm(bytes, runtimes, undefined);
		return new ModelSession(bytes, runtimes, opened);
	}

	/** The backend that runs the model now. */
	get backend(): ExecutionBackend {
		return this.#backend;
	}

	/** Why the model runs on wasm although WebGPU was asked for. */
	get fallback(): string | undefined {
		return this.#fallback;
	}

	get inputMetadata(): readonly InferenceSession.ValueMetadata[] {
		return this.#session.inputMetadata;
	}

	get outputNames(): readonly string[] {
		return this.#session.outputNames;
	}

	async run(feeds: Feeds): Promise<InferenceSession.ReturnType> {
		const bytes = this.#bytes;
		if (!bytes) return this.#session.run(feeds(this.#ort.Tensor));
		try {
			return await this.#session.run(feeds(this.#ort.Tensor));
		} catch (error) {
			const gpu = this.#session;
			this.#bytes = null;
			const opened = await openOnWasm(bytes, this.#runtimes, `A WebGPU run failed: ${why(error)}`);
			this.#backend = opened.backend;
			this.#fallback = opened.fallback;
			this.#ort = opened.ort;
			this.#session = opened.session;
			void gpu
				.release()
				.catch((release) => console.warn('A WebGPU session did not close', release));
			return this.#session.run(feeds(this.#ort.Tensor));
		}
	}

	async release(): Promise<void> {
		await this.#session.release();
	}
}

interface Opened {
	ort: Ort;
	session: InferenceSession;
	backend: ExecutionBackend;
	fallback: string | undefined;
}

async function openOnWasm(
	bytes: Uint8Array,
	runtimes: Runtimes,
	fallback: string | undefined
): Promise<Opened> {
	const ort = await runtimes.wasm();
	const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
	return { ort, session, backend: 'wasm', fallback };
}

async function openOnGpu(bytes: Uint8Array, runtimes: Runtimes): Promise<Opened> {
	if (!runtimes.gpu) return openOnWasm(bytes, runtimes, 'This browser has no WebGPU.');
	try {
		const adapter = await runtimes.gpu.requestAdapter();
		if (!adapter) return openOnWasm(bytes, runtimes, 'WebGPU has no adapter on this device.');
		const ort = await runtimes.webgpu();
		// wasm second: operators WebGPU does not implement run on the CPU inside the same session.
		const session = await ort.InferenceSession.create(bytes, {
			executionProviders: ['webgpu', 'wasm']
		});
		return { ort, session, backend: 'webgpu', fallback: undefined };
	} catch (error) {
		return openOnWasm(bytes, runtimes, `WebGPU did not start: ${why(error)}`);
	}
}

function why(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
