import { describe, expect, it } from 'vitest';
import { isTypingIn, SHORTCUT_HELP, shortcutFor, type KeyPress } from './shortcuts';

const button = { tagName: 'BUTTON', isContentEditable: false } as unknown as EventTarget;
const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({
	key,
	ctrlKey: false,
	metaKey: false,
	altKey: false,
	target: button,
	...more
});

describe('shortcutFor', () => {
	it('maps the single keys to their commands', () => {
		const keys = ['j', 'k', 'Enter', 'e', 'p', '/', 'n', '?', 'x'];
		expect(keys.map((key) => shortcutFor(press(key)))).toEqual([
			'next',
			'previous',
			'open',
			'edit',
			'pin',
			'search',
			'capture',
			'help',
			null
		]);
	});

	it('leaves keys typed into a field alone', () => {
		for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT']) {
			const target = { tagName, isContentEditable: false } as unknown as EventTarget;
			expect(shortcutFor(press('j', { target })), tagName).toBeNull();
		}
		const editable = { tagName: 'DIV', isContentEditable: true } as unknown as EventTarget;
		expect(shortcutFor(press('p', { target: editable }))).toBeNull();
		expect(shortcutFor(press('p', { target: null }))).toBe('pin');
	});

	it('leaves browser combinations alone, except undo', () => {
		expect(shortcutFor(press('j', { ctrlKey: true }))).toBeNull();
		expect(shortcutFor(press('p', { metaKey: true }))).toBeNull();
		expect(shortcutFor(press('e', { altKey: true }))).toBeNull();
		expect(shortcutFor(press('z', { ctrlKey: true }))).toBe('undo');
		expect(shortcutFor(press('z', { metaKey: true }))).toBe('undo');
		expect(shortcutFor(press('z'))).toBeNull();
	});

	it('has help for every key it maps', () => {
		const documented = SHORTCUT_HELP.map((help) => help.keys).join(' ');
		for (const key of ['j', 'k', 'Enter', 'e', 'p', 'n', '/', '?', 'Z']) {
			expect(documented).toContain(key);
		}
	});
});

describe('isTypingIn', () => {
	it('is false for nothing and for plain elements', () => {
		expect(isTypingIn(null)).toBe(false);
		expect(isTypingIn(button)).toBe(false);
	});
});
