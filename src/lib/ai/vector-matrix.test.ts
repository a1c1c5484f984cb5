import { describe, expect, it } from 'vitest';
import { VectorMatrix } from './vector-matrix';

const unit = (...values: number[]) => {
	const norm = Math.hypot(...values);
	return Float32Array.from(values, (v) => v / norm);
};

describe('VectorMatrix', () => {
	it('finds nearest rows above a threshold, excluding one id', () => {
		const matrix = new VectorMatrix<string>(2, 1);
		matrix.set('east', unit(1, 0));
		matrix.set('north-east', unit(1, 1));
		matrix.set('north', unit(0, 1));
		matrix.set('west', unit(-1, 0));
		const hits = matrix.nearest(unit(1, 0.1), 3, 0);
		expect(hits.map((h) => h.id)).toEqual(['east', 'north-east', 'north']);
		expect(matrix.nearest(unit(1, 0.1), 3, 0.5, 'east').map((h) => h.id)).toEqual(['north-east']);
	});

	it('replaces, deletes (keeping rows dense) and grows', () => {
		const matrix = new VectorMatrix<number>(3, 2);
		for (let i = 0; i < 10; i++) matrix.set(i, unit(i + 1, 1, 0));
		expect(matrix.size).toBe(10);
		matrix.set(3, unit(0, 0, 1));
		matrix.delete(0);
		matrix.delete(42);
		expect(matrix.size).toBe(9);
		expect(matrix.get(0)).toBeUndefined();
		expect([...matrix.get(9)!]).toEqual([...unit(10, 1, 0)]);
		expect(matrix.nearest(unit(0, 0, 1), 1, 0.9)[0].id).toBe(3);
		expect(() => matrix.set(1, new Float32Array(2))).toThrow(/dims/);
	});

	it('scores every row as the plain dot product, whatever the dims', () => {
		for (const dims of [4, 7, 100]) {
			const matrix = new VectorMatrix<number>(dims);
			const rows = Array.from({ length: 50 }, (_, i) =>
				unit(...Array.from({ length: dims }, (_, d) => Math.sin(i * 7 + d * 3)))
			);
			rows.forEach((row, i) => matrix.set(i, row));
			const query = rows[0];
			const expected = rows
				.map((row, id) => ({ id, score: row.reduce((sum, v, d) => sum + v * query[d], 0) }))
				.sort((a, b) => b.score - a.score)
				.slice(0, 5);
			const hits = matrix.nearest(query, 5, -1);
			expect(hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
			hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i].score, 5));
		}
	});
});
