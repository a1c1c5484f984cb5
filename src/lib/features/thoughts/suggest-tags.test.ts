import { describe, expect, it } from 'vitest';
import type { ThoughtRow } from '$lib/replica/view-db';
import type { ThoughtId } from '$sync/ids';
import { MIN_TAG_SCORE, suggestTags, topScoredTags } from './suggest-tags';

const row = (id: string, tags: string[]) => ({ id: id as ThoughtId, tags }) as ThoughtRow;

describe('suggestTags', () => {
	it('weights neighbours by similarity and skips tags already written', () => {
		const rows = [row('a', ['pets', 'home']), row('b', ['pets']), row('c', ['work'])];
		const hits = [
			{ id: 'a' as ThoughtId, score: 0.5 },
			{ id: 'b' as ThoughtId, score: 0.4 },
			{ id: 'c' as ThoughtId, score: 0.8 }
		];
		expect(suggestTags(rows, hits, [])).toEqual(['pets', 'work', 'home']);
		expect(suggestTags(rows, hits, ['pets'])).toEqual(['work', 'home']);
		expect(suggestTags([], [], [])).toEqual([]);
	});
});

describe('topScoredTags', () => {
	it('keeps the likeliest tags above the threshold that are not written yet', () => {
		const labels = ['pets', 'home', 'work', 'food', 'travel'];
		const scores = Float32Array.of(0.9, 0.2, 0.7, MIN_TAG_SCORE, 0.95);
		expect(topScoredTags(labels, scores, [])).toEqual(['travel', 'pets', 'work']);
		expect(topScoredTags(labels, scores, ['travel'])).toEqual(['pets', 'work', 'food']);
		expect(topScoredTags(labels, Float32Array.of(0.1, 0.1, 0.1, 0.1, 0.1), [])).toEqual([]);
	});
});
