import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './render';
import { setTaskChecked, taskStates } from './tasks';

describe('setTaskChecked', () => {
	it('ticks and unticks one item and nothing else', () => {
		const text = '- [ ] milk\n- [ ] eggs\n- [x] bread';
		expect(setTaskChecked(text, 1, true)).toBe('- [ ] milk\n- [x] eggs\n- [x] bread');
		expect(setTaskChecked(text, 2, false)).toBe('- [ ] milk\n- [ ] eggs\n- [ ] bread');
	});

	it('finds items in quotes, nested lists and ordered lists', () => {
		const text = 'Intro\n\n> - [ ] quoted\n\n1. [x] first\n   - [ ] nested\n2) [X] second';
		expect(taskStates(text)).toEqual([false, true, false, true]);
		expect(setTaskChecked(text, 0, true)).toBe(
			'Intro\n\n> - [x] quoted\n\n1. [x] first\n   - [ ] nested\n2) [X] second'
		);
		expect(setTaskChecked(text, 2, true)).toBe(
			'Intro\n\n> - [ ] quoted\n\n1. [x] first\n   - [x] nested\n2) [X] second'
		);
		expect(setTaskChecked(text, 3, false)).toBe(
			'Intro\n\n> - [ ] quoted\n\n1. [x] first\n   - [ ] nested\n2) [ ] second'
		);
	});

	it('never touches a marker in code or inside an item text', () => {
		const text = '```\n- [ ] not a task\n```\n\n- [ ] buy [ ] eggs\n- [ ] real';
		expect(taskStates(text)).toEqual([false, false]);
		expect(setTaskChecked(text, 0, true)).toBe(
			'```\n- [ ] not a task\n```\n\n- [x] buy [ ] eggs\n- [ ] real'
		);
		expect(setTaskChecked(text, 1, true)).toBe(
			'```\n- [ ] not a task\n```\n\n- [ ] buy [ ] eggs\n- [x] real'
		);
	});

	it('keeps Windows line endings', () => {
		expect(setTaskChecked('- [ ] a\r\n- [ ] b', 1, true)).toBe('- [ ] a\r\n- [x] b');
	});

	it('answers null for a missing index or an item already in that state', () => {
		expect(setTaskChecked('- [ ] a', 1, true)).toBeNull();
		expect(setTaskChecked('- [ ] a', -1, true)).toBeNull();
		expect(setTaskChecked('- [x] a', 0, true)).toBeNull();
		expect(setTaskChecked('no tasks', 0, true)).toBeNull();
	});

	it('numbers tasks as the renderer numbers its checkboxes', () => {
		const text = '- [x] a\n  - [ ] b\n    - [x] c\n- [ ] d\n\n> 1. [x] e';
		const html = renderMarkdown(text);
		const rendered = [...html.matchAll(/data-task="(\d+)"( checked)?/g)].map((m) => [
			Number(m[1]),
			m[2] !== undefined
		]);
		expect(rendered).toEqual(taskStates(text).map((checked, index) => [index, checked]));
	});
});
