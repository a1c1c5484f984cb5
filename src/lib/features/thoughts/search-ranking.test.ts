import { describe, expect, it } from 'vitest';
import { WEAK_RESULTS, WEAK_SIMILARITY, extendShown, rankHybrid } from './search-ranking';

const hits = (...pairs: [string, number][]) => pairs.map(([id, score]) => ({ id, score }));

describe('rankHybrid', () => {
	it('fuses word matches with semantic hits at or above the floor', () => {
		const ranked = rankHybrid(['a', 'b'], hits(['c', 0.7], ['a', 0.5]), { floor: 0.5 });
		expect(ranked).toEqual(['a', 'c', 'b']);
	});

	it('never lets a semantic hit below the floor outrank or join the word matches', () => {
		const byMeaning = hits(['kitten', 0.6], ['rabbit', 0.45], ['dog', 0.4]);
		expect(rankHybrid(['catan', 'catch'], byMeaning, { floor: 0.5 })).toEqual([
			'catan',
			'kitten',
			'catch'
		]);
		expect(rankHybrid(['a', 'b'], hits(['c', 0.9], ['b', 0.2]), { floor: 0.5 })).toEqual([
			'a',
			'c',
			'b'
		]);
	});

	it('shows the best hits below the floor instead of nothing, down to the weak cut', () => {
		const loose = hits(['groceries', 0.19], ['plumber', 0.16], ['run', WEAK_SIMILARITY - 0.01]);
		expect(rankHybrid([], loose, { floor: 0.3 })).toEqual(['groceries', 'plumber']);
		expect(rankHybrid([], loose, { floor: 0.3, weakCut: 0.18 })).toEqual(['groceries']);
		const many = Array.from({ length: WEAK_RESULTS + 5 }, (_, i) => ({
			id: `w${i}`,
			score: 0.29 - i * 0.005
		}));
		expect(rankHybrid([], many, { floor: 0.3 })).toEqual(
			many.slice(0, WEAK_RESULTS).map((hit) => hit.id)
		);
		expect(rankHybrid(['word'], many, { floor: 0.3 })).toEqual(['word']);
	});
});

describe('extendShown', () => {
	it('keeps what is shown in place and adds the next of the ranking', () => {
		expect(extendShown(['b', 'a'], ['a', 'b', 'c', 'd', 'e'], 4)).toEqual(['b', 'a', 'c', 'd']);
	});

	it('drops shown items the ranking no longer holds', () => {
		expect(extendShown(['a', 'gone'], ['a', 'b', 'c'], 3)).toEqual(['a', 'b', 'c']);
	});
});
