import { describe, expect, it } from 'vitest';
import { captureHint, editHint } from './input-hints';

describe('input hints', () => {
	it('speaks of tapping on a touch screen, never of keys', () => {
		const touch = { isTouch: true, isMac: false };
		expect(captureHint(touch)).toMatch(/^Tap Save thought/);
		expect(captureHint(touch)).not.toMatch(/Ctrl|⌘|Enter/);
		expect(editHint(touch)).not.toMatch(/Ctrl|⌘|Enter|Escape/);
	});

	it('names Ctrl, or Cmd on a Mac, with a keyboard', () => {
		expect(captureHint({ isTouch: false, isMac: false })).toMatch(/^Ctrl\+Enter to save/);
		expect(captureHint({ isTouch: false, isMac: true })).toMatch(/^⌘\+Enter to save/);
		expect(editHint({ isTouch: false, isMac: true })).toContain('⌘+Enter when done');
	});
});
