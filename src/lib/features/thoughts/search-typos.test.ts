import { describe, expect, it } from 'vitest';
import { transpositions, typoBudget } from './search-typos';

describe('typoBudget', () => {
	it('allows no edit below five letters, then one per five letters', () => {
		expect(['cat', 'team'].map(typoBudget)).toEqual([0, 0]);
		expect(['bugdet', 'meetnig'].map(typoBudget)).toEqual([1, 1]);
		expect(['shopping', 'procrastination'].map(typoBudget)).toEqual([2, 3]);
	});
});

describe('transpositions', () => {
	it('swaps each pair of neighbouring letters once, skipping equal pairs', () => {
		expect(transpositions('bugdet')).toContain('budget');
		expect(transpositions('meetnig')).toContain('meeting');
		expect(transpositions('abc')).toEqual(['bac', 'acb']);
		expect(transpositions('aab')).toEqual(['aba']);
		expect(transpositions('a')).toEqual([]);
	});
});
