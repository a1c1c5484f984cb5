import { describe, expect, it } from 'vitest';
import { TopK, fuseRankings } from './rank-fusion';

describe('fuseRankings', () => {
	it('ranks items found by both lists first', () => {
		expect(
			fuseRankings(
				[
					['a', 'b', 'c'],
					['c', 'd', 'a']
				],
				10
			)
		).toEqual(['a', 'c', 'b', 'd']);
	});

	it('keeps a single list in order and respects the limit', () => {
		expect(fuseRankings([['x', 'y', 'z'], []], 2)).toEqual(['x', 'y']);
	});
});

describe('TopK', () => {
	const best = (scores: number[], k: number) => {
		const top = new TopK<number>(k);
		scores.forEach((score, id) => top.add({ id, score }));
		return top.items;
	};

	it('selects the best k by score, the first seen winning a tie', () => {
		expect(best([3, 9, 1, 7, 5, 9.5], 3).map((s) => s.score)).toEqual([9.5, 9, 7]);
		expect(best([3, 9, 1, 7, 5, 9.5], 10)).toHaveLength(6);
		expect(best([], 3)).toEqual([]);
		expect(best([2, 5, 5, 1], 2).map((s) => s.id)).toEqual([1, 2]);
		expect(best([5, 5, 5], 2).map((s) => s.id)).toEqual([0, 1]);
	});

	it('accepts only scores that would enter a full list', () => {
		const top = new TopK<string>(2);
		expect(top.accepts(-Infinity)).toBe(true);
		top.add({ id: 'a', score: 3 });
		top.add({ id: 'b', score: 4 });
		expect(top.accepts(3)).toBe(false);
		expect(top.accepts(3.5)).toBe(true);
	});
});
