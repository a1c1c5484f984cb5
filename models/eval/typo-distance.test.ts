import { describe, expect, it } from 'vitest';
import { osaDistance } from './typo-distance';

describe('osaDistance', () => {
	it('counts a swap of neighbouring letters as one edit', () => {
		expect(osaDistance('bugdet', 'budget')).toBe(1);
		expect(osaDistance('meetnig', 'meeting')).toBe(1);
	});

	it('counts insertions, deletions and substitutions as one each', () => {
		expect(osaDistance('', 'abc')).toBe(3);
		expect(osaDistance('kitten', 'sitting')).toBe(3);
		expect(osaDistance('budget', 'budget')).toBe(0);
	});

	it('never edits a substring twice (the "optimal string alignment" restriction)', () => {
		// Full Damerau–Levenshtein gives 2 (ca → ac → abc); OSA cannot edit the swapped pair again.
		expect(osaDistance('ca', 'abc')).toBe(3);
	});
});
