import { describe, expect, it } from 'vitest';
import type { ThoughtRow } from '$lib/replica/view-db';
import type { ThoughtId } from '$sync/ids';
import { suggestTags } from './suggest-tags';

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
