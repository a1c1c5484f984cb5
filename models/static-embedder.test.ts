import { describe, expect, it } from 'vitest';
import { cosine, embedIds } from './static-embedder';

describe('static embedder oracle', () => {
	const table = {
		dims: 2,
		values: Int8Array.of(0, 0, 127, 0, 0, 127, 64, 64, -127, 0),
		scales: Float32Array.of(0, 0.01, 0.02, 0.5, 1)
	};

	it('averages known rows and normalises', () => {
		const v = embedIds(Int32Array.of(1, 2, 0), table);
		// mean of (1.27, 0) and (0, 2.54) is (0.635, 1.27): direction (1, 2).
		expect(v[0]).toBeCloseTo(1 / Math.sqrt(5), 6);
		expect(v[1]).toBeCloseTo(2 / Math.sqrt(5), 6);
		expect(Math.hypot(v[0], v[1])).toBeCloseTo(1, 6);
		expect(cosine(v, v)).toBeCloseTo(1, 6);
	});

	it('gives a zero vector, not NaN, when every word is unknown', () => {
		expect([...embedIds(Int32Array.of(0, 0, 99), table)]).toEqual([0, 0]);
		expect([...embedIds(new Int32Array(), table)]).toEqual([0, 0]);
	});
});
