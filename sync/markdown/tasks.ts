import { forEachTask, lexMarkdown } from './lexer';

/** Whether each task item is ticked, in the order the renderer numbers their checkboxes. */
export function taskStates(text: string): boolean[] {
	const states: boolean[] = [];
	forEachTask(lexMarkdown(text), (item) => states.push(item.checked === true));
	return states;
}

/** A `[ ]`, `[x]` or `[X]` with only list bullets, quote marks and spaces before it on its line. */
const MARKER = /^[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+[ \t>]*)+\[[ xX]\]/gm;

/**
 * The thought's text with task `index` ticked or not, or null when there is no such task or it
 * is already so. The lexer does not report source offsets, so each marker that could be the
 * task's is tried in turn and kept only when it changes that task and no other: a `[ ]` in
 * code or in an item's own text changes no task, and is never touched.
 */
export function setTaskChecked(text: string, index: number, checked: boolean): string | null {
	const before = taskStates(text);
	if (index < 0 || index >= before.length || before[index] === checked) return null;
	for (const match of text.matchAll(MARKER)) {
		const at = (match.index ?? 0) + match[0].length - 3;
		const candidate = `${text.slice(0, at)}${checked ? '[x]' : '[ ]'}${text.slice(at + 3)}`;
		if (candidate === text) continue;
		const after = taskStates(candidate);
		const changed =
			after.length === before.length &&
			after.every((state, i) => (i === index) !== (state === before[i]));
		if (changed) return candidate;
	}
	return null;
}
