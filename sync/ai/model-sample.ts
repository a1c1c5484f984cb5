import { ModelCheckError, type ModelLimits } from './model-check-error';
import type { ModelProbe, ProbeRequest, ProbeResult, ProbeSignal } from './onnx-probe';

// sync/ is compiled without DOM or Node types; every runtime it runs in has these globals.
declare function setTimeout(run: () => void, ms: number): unknown;
declare function clearTimeout(timer: unknown): void;
declare const performance: { now(): number };
declare class AbortController {
	readonly signal: ProbeSignal;
	abort(): void;
}

/** What an embedder is asked to embed on upload: short, ordinary, in several scripts. */
export const SAMPLE_TEXTS = [
	'Buy milk and eggs on the way home',
	'Quarterly budget review with the finance team',
	'Ünïcödé, emoji 🙂 and 数字 123'
];

/** `batch` unit vectors of `dims` numbers, the same every time (a fixed pseudo-random walk). */
export function sampleEmbeddings(batch: number, dims: number): Float32Array {
	const values = new Float32Array(batch * dims);
	let state = 20261202;
	for (let i = 0; i < values.length; i++) {
		state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
		values[i] = state / 2 ** 32 - 0.5;
	}
	for (let row = 0; row < batch; row++) {
		const vector = values.subarray(row * dims, (row + 1) * dims);
		const norm = Math.hypot(...vector) || 1;
		vector.forEach((value, d) => (vector[d] = value / norm));
	}
	return values;
}

/**
 * Runs the probe under the time limit. On timeout the probe's signal aborts (so it can end its
 * runtime) and the check fails; any failure that is not already a ModelCheckError is the probe's.
 */
export async function probeWithin(
	probe: ModelProbe,
	request: ProbeRequest,
	limits: ModelLimits
): Promise<{ result: ProbeResult; ms: number }> {
	const controller = new AbortController();
	let timer: unknown;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			controller.abort();
			const seconds = limits.probeTimeoutMs / 1000;
			reject(new ModelCheckError('probe', `The sample run took longer than ${seconds} s.`));
		}, limits.probeTimeoutMs);
	});
	const startedAt = performance.now();
	try {
		const result = await Promise.race([probe(request, controller.signal), timeout]);
		return { result, ms: performance.now() - startedAt };
	} catch (error) {
		if (error instanceof ModelCheckError) throw error;
		const reason = error instanceof Error ? error.message : String(error);
		throw new ModelCheckError('probe', `The sample run failed: ${reason}`);
	} finally {
		clearTimeout(timer);
	}
}
