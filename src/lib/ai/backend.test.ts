import { describe, expect, it } from 'vitest';
import { buildHeadOnnx } from '../../../models/head-onnx';
import { nodeRuntimes, ort } from '../../../tests/fixtures/node-runtimes';
import { ModelSession, type Ort, type Runtimes } from './backend';
import { scoreHead } from './training/score-head';

const head = {
	dims: 3,
	labels: ['cats', 'work'],
	weights: Float32Array.of(2, -1, 0.5, -0.5, 1.5, 0.25),
	bias: Float32Array.of(0.1, -0.2)
};
const bytes = buildHeadOnnx(head);
const vector = Float32Array.of(0.6, -0.3, 0.2);
const adapter = { requestAdapter: async () => ({}) };

async function score(session: ModelSession): Promise<Float32Array> {
	const output = await session.run((Tensor) => ({
		embeddings: new Tensor('float32', vector, [1, 3])
	}));
	return output.scores.data as Float32Array;
}

/** A "webgpu build" that records what it was asked for and may break where a test says. */
function gpuRuntime(breaks: { create?: string; run?: string } = {}) {
	const asked: unknown[] = [];
	const runtime: Ort = {
		...ort,
		InferenceSession: {
			create: async (model: Uint8Array, options: { executionProviders?: unknown[] }) => {
				asked.push(options.executionProviders);
				if (breaks.create) throw new Error(breaks.create);
				const real = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
				if (!breaks.run) return real;
				return Object.assign(Object.create(real), {
					run: () => Promise.reject(new Error(breaks.run))
				});
			}
		}
	} as unknown as Ort;
	return { asked, webgpu: async () => runtime };
}

describe('ModelSession', () => {
	it('runs on wasm when asked to, with the scores the head computes', async () => {
		const session = await ModelSession.open(bytes, 'wasm', nodeRuntimes());
		expect([session.backend, session.fallback]).toEqual(['wasm', undefined]);
		const expected = scoreHead(head, vector, 1);
		const scores = await score(session);
		scores.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 5));
		await session.release();
	});

	it('opens the webgpu build with wasm second when there is an adapter', async () => {
		const gpu = gpuRuntime();
		const session = await ModelSession.open(
			bytes,
			'webgpu',
			nodeRuntimes({ ...gpu, gpu: adapter })
		);
		expect([session.backend, session.fallback]).toEqual(['webgpu', undefined]);
		expect(gpu.asked).toEqual([['webgpu', 'wasm']]);
		expect(await score(session)).toHaveLength(2);
	});

	const fallbacks: [string, Partial<Runtimes>, string][] = [
		['no navigator.gpu', { gpu: undefined }, 'This browser has no WebGPU.'],
		[
			'no adapter',
			{ gpu: { requestAdapter: async () => null } },
			'WebGPU has no adapter on this device.'
		],
		[
			'the webgpu build does not load',
			{ gpu: adapter },
			'WebGPU did not start: Node has no WebGPU build'
		],
		[
			'the session does not open',
			{ gpu: adapter, webgpu: gpuRuntime({ create: 'no kernel for MatMul' }).webgpu },
			'WebGPU did not start: no kernel for MatMul'
		]
	];
	it.each(fallbacks)('falls back to wasm when %s, and says why', async (_, runtimes, why) => {
		const session = await ModelSession.open(bytes, 'webgpu', nodeRuntimes(runtimes));
		expect([session.backend, session.fallback]).toEqual(['wasm', why]);
		expect(await score(session)).toEqual(
			await score(await ModelSession.open(bytes, 'wasm', nodeRuntimes()))
		);
	});

	it('moves to wasm for good when a WebGPU run fails, and still answers that run', async () => {
		const gpu = gpuRuntime({ run: 'device lost' });
		const session = await ModelSession.open(
			bytes,
			'webgpu',
			nodeRuntimes({ ...gpu, gpu: adapter })
		);
		expect(session.backend).toBe('webgpu');
		const expected = scoreHead(head, vector, 1);
		const scores = await score(session);
		scores.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 5));
		expect([session.backend, session.fallback]).toEqual([
			'wasm',
			'A WebGPU run failed: device lost'
		]);
		expect(await score(session)).toEqual(scores);
	});
});
