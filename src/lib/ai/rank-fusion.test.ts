import { describe, expect, it } from 'vitest';
import { fuseRankings, topK } from './rank-fusion';

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

describe('topK', () => {
	it('selects the best k by score', () => {
		const items = [3, 9, 1, 7, 5, 9.5].map((score, id) => ({ id, score }));
		expect(topK(items, 3).map((s) => s.score)).toEqual([9.5, 9, 7]);
		expect(topK(items, 10)).toHaveLength(6);
		expect(topK([], 3)).toEqual([]);
	});
});
