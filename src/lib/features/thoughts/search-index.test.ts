import { describe, expect, it } from 'vitest';
import type { ThoughtId } from '$sync/ids';
import { ThoughtSearchIndex, scanMatcher } from './search-index';

const id = (n: number) => `t${String(n).padStart(22, '0')}` as ThoughtId;

describe('ThoughtSearchIndex', () => {
	it('finds by word, prefix, typo and tag; all words must match', async () => {
		const index = new ThoughtSearchIndex();
		await index.addAll([
			{ id: id(1), text: 'Planted tomatoes and basil in the garden', tags: ['garden'] },
			{ id: id(2), text: 'Quarterly budget review with finance', tags: ['work/finance'] },
			{ id: id(3), text: 'Budget for the garden shed', tags: [] }
		]);
		expect(index.size).toBe(3);
		expect(index.search('tomat')).toEqual([id(1)]);
		expect(index.search('quartrly')).toEqual([id(2)]);
		expect(index.search('budget garden')).toEqual([id(3)]);
		expect(index.search('finance')).toEqual([id(2)]);
		expect(index.search('   ')).toEqual([]);
	});

	it('counts swapped letters as one typo: the word spelt right still ranks first', async () => {
		const index = new ThoughtSearchIndex();
		await index.addAll([
			{ id: id(1), text: 'Monthly budget: cut the takeaways', tags: [] },
			{ id: id(2), text: 'Team meeting moved to Thursday', tags: [] },
			{ id: id(3), text: 'Typed bugdet in a hurry again', tags: [] },
			{ id: id(4), text: 'Tidied the garden', tags: [] }
		]);
		expect(index.search('bugdet')).toEqual([id(3), id(1)]);
		expect(index.search('meetnig')).toEqual([id(2)]);
		expect(index.search('Meetnig thursady')).toEqual([id(2)]);
		// A swap while still typing: "budge" is a prefix of "budget".
		expect(index.search('bugde')).toEqual([id(3), id(1)]);
		// A swap and a second edit are two: too many for six letters ("bugdet" itself is one away).
		expect(index.search('bugdex')).toEqual([id(3)]);
		expect(index.search('gadren tdiied')).toEqual([id(4)]);
		expect(index.search('mnothly')).toEqual([id(1)]);
		// Words of four letters or fewer tolerate no typo, swaps included.
		expect(index.search('tema')).toEqual([]);
	});

	it('tags rank above body text', async () => {
		const index = new ThoughtSearchIndex();
		await index.addAll([
			{ id: id(1), text: 'a note about reading glasses', tags: [] },
			{ id: id(2), text: 'finished a novel', tags: ['reading'] }
		]);
		expect(index.search('reading')).toEqual([id(2), id(1)]);
	});

	it('follows edits and deletions', async () => {
		const index = new ThoughtSearchIndex();
		await index.addAll([{ id: id(1), text: 'old words', tags: [] }]);
		index.upsert({ id: id(1), text: 'new words', tags: [] });
		expect(index.search('old')).toEqual([]);
		expect(index.search('new')).toEqual([id(1)]);
		index.upsert({ id: id(2), text: 'another new one', tags: [] });
		index.remove(id(1));
		index.remove(id(9));
		expect(index.search('new')).toEqual([id(2)]);
	});
});

describe('scanMatcher', () => {
	it('matches every word of the query as a word prefix, like the index without typos', () => {
		const doc = { id: id(1), text: 'Quarterly budget review, with finance', tags: ['work/q3'] };
		expect(scanMatcher('budg')(doc)).toBe(true);
		expect(scanMatcher('Review FIN')(doc)).toBe(true);
		expect(scanMatcher('work')(doc)).toBe(true);
		expect(scanMatcher('budget garden')(doc)).toBe(false);
		expect(scanMatcher('udget')(doc)).toBe(false);
		expect(scanMatcher('the')(doc)).toBe(false);
	});
});
