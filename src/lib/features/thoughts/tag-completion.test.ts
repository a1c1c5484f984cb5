import { describe, expect, it } from 'vitest';
import { acceptTag, matchTags, tagQueryAt } from './tag-completion';

const TAGS: [string, number][] = [
	['work', 5],
	['work/meetings', 2],
	['work/research', 3],
	['errands', 4],
	['weekend', 1],
	['gone', 0]
];

describe('tagQueryAt', () => {
	it('finds the tag being typed at the caret', () => {
		expect(tagQueryAt('call mum #wo', 12)).toEqual({ start: 9, end: 12, prefix: 'wo' });
		expect(tagQueryAt('#', 1)).toEqual({ start: 0, end: 1, prefix: '' });
		expect(tagQueryAt('(#Work/me', 9)).toEqual({ start: 1, end: 9, prefix: 'work/me' });
	});

	it('is null outside a tag', () => {
		expect(tagQueryAt('call mum #wo done', 17)).toBeNull();
		expect(tagQueryAt('issue#12', 8)).toBeNull();
		expect(tagQueryAt('price #1', 8)).toBeNull();
		expect(tagQueryAt('', 0)).toBeNull();
	});
});

describe('matchTags', () => {
	it('offers every tag, most used first, on a bare #', () => {
		expect(matchTags(TAGS, '')).toEqual([
			'work',
			'errands',
			'work/research',
			'work/meetings',
			'weekend'
		]);
	});

	it('puts prefix matches before nested-part matches and skips an exact match', () => {
		expect(matchTags(TAGS, 'w')).toEqual(['work', 'work/research', 'work/meetings', 'weekend']);
		expect(matchTags(TAGS, 'mee')).toEqual(['work/meetings']);
		expect(matchTags(TAGS, 'work')).toEqual(['work/research', 'work/meetings']);
		expect(matchTags(TAGS, 'gon')).toEqual([]);
		expect(matchTags(TAGS, 'w', 2)).toEqual(['work', 'work/research']);
	});
});

describe('acceptTag', () => {
	it('replaces the typed part and puts the caret after a space', () => {
		const text = 'plan #wo';
		const chosen = acceptTag(text, tagQueryAt(text, 8)!, 'work/meetings');
		expect(chosen).toEqual({ text: 'plan #work/meetings ', caret: 20 });
	});

	it('keeps the text after the caret and the rest of a word being replaced', () => {
		const text = 'a #wor b';
		const chosen = acceptTag(text, tagQueryAt(text, 4)!, 'work');
		expect(chosen).toEqual({ text: 'a #work b', caret: 8 });
	});
});
