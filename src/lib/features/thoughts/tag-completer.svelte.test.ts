import { describe, expect, it } from 'vitest';
import { TagCompleter } from './tag-completer.svelte';

const TAGS: [string, number][] = [
	['errands', 2],
	['work', 3],
	['work/meetings', 1]
];

describe('TagCompleter', () => {
	it('opens on #, narrows as the tag is typed and closes outside a tag', () => {
		const completer = new TagCompleter(() => TAGS);
		completer.follow('call #', 6);
		expect(completer.options).toEqual(['work', 'errands', 'work/meetings']);
		expect(completer.isOpen).toBe(true);
		completer.follow('call #mee', 9);
		expect(completer.options).toEqual(['work/meetings']);
		completer.follow('call #mee now', 13);
		expect(completer.isOpen).toBe(false);
	});

	it('moves round the list and writes the chosen tag in', () => {
		const completer = new TagCompleter(() => TAGS);
		completer.follow('plan #', 6);
		completer.move(-1);
		expect(completer.active).toBe(2);
		completer.move(1);
		completer.move(1);
		expect(completer.active).toBe(1);
		expect(completer.accept('plan #')).toEqual({ text: 'plan #errands ', caret: 14 });
		expect(completer.isOpen).toBe(false);
		expect(completer.accept('plan #')).toBeNull();
	});

	it('follows the tags it is given as they change', () => {
		let tags: [string, number][] = [];
		const completer = new TagCompleter(() => tags);
		completer.follow('#', 1);
		expect(completer.isOpen).toBe(false);
		tags = [['fresh', 1]];
		completer.follow('#f', 2);
		expect(completer.options).toEqual(['fresh']);
	});
});
