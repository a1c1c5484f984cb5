import { describe, expect, it } from 'vitest';
import { buildHeadOnnx } from '../../../models/head-onnx';
import { buildStaticEmbedderOnnx } from '../../../models/static-onnx';
import { nodeRuntimes } from '../../../tests/fixtures/node-runtimes';
import { HeadModelError, loadHeadModel } from './head-model';
import { scoreHead } from './training/score-head';

const head = {
	dims: 4,
	labels: ['a', 'b', 'c'],
	weights: Float32Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)),
	bias: Float32Array.of(0.3, -0.1, 0)
};

describe('loadHeadModel', () => {
	it('scores a batch as the trained head does (max abs diff ≤ 1e-5)', async () => {
		const model = await loadHeadModel(buildHeadOnnx(head), 3, 'wasm', nodeRuntimes());
		expect([model.dims, model.labels, model.backend]).toEqual([4, 3, 'wasm']);
		const x = Float32Array.from({ length: 5 * 4 }, (_, i) => Math.cos(i * 0.7));
		const scores = await model.score(x, 5);
		const expected = scoreHead(head, x, 5);
		expect(scores).toHaveLength(15);
		expect(Math.max(...scores.map((value, i) => Math.abs(value - expected[i])))).toBeLessThan(1e-5);
		expect(await model.score(new Float32Array(0), 0)).toHaveLength(0);
	});

	it('refuses vectors of another width and a model that is not a head', async () => {
		const model = await loadHeadModel(buildHeadOnnx(head), 3, 'wasm', nodeRuntimes());
		await expect(model.score(new Float32Array(6), 2)).rejects.toMatchObject({ code: 'head_input' });
		const wrongLabels = await loadHeadModel(buildHeadOnnx(head), 5, 'wasm', nodeRuntimes());
		await expect(wrongLabels.score(new Float32Array(4), 1)).rejects.toMatchObject({
			code: 'head_signature'
		});
		const embedder = buildStaticEmbedderOnnx({
			dims: 2,
			values: new Int8Array(6),
			scales: new Float32Array(3)
		});
		await expect(loadHeadModel(embedder, 3, 'wasm', nodeRuntimes())).rejects.toBeInstanceOf(
			HeadModelError
		);
	});
});
