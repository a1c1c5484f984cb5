import { describe, expect, it } from 'vitest';
import { expandTags, parseTags, tagAncestry } from './tags';

describe('parseTags', () => {
	it.each([
		['plain #idea here', ['idea']],
		['#Start of line and #end', ['start', 'end']],
		['nested #work/meetings/weekly tag', ['work/meetings/weekly']],
		['unicode #café #日本語', ['café', '日本語']],
		['dupes #a #A #a', ['a']],
		['punctuation (#inside) "#quoted", #comma,', ['inside', 'quoted', 'comma']],
		['not a tag: foo#bar, url.com/#frag, # heading, #123', []],
		['code `#nope` and ```\n#alsonope\n``` but #yes', ['yes']],
		['trailing slash #a/ stays #a', ['a']],
		['#with-dash_and_underscore', ['with-dash_and_underscore']]
	])('%s', (text, expected) => {
		expect(parseTags(text)).toEqual(expected);
	});

	it('drops absurdly long tags', () => {
		expect(parseTags(`#${'x'.repeat(65)} #ok`)).toEqual(['ok']);
	});
});

describe('tag ancestry', () => {
	it('lists every ancestor', () => {
		expect(tagAncestry('a/b/c')).toEqual(['a', 'a/b', 'a/b/c']);
		expect(expandTags(['a/b', 'a/c', 'd'])).toEqual(['a', 'a/b', 'a/c', 'd']);
	});
});
