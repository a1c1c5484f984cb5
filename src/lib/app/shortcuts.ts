/**
 * The single-key shortcuts, as data: the key handlers map an event to a command here and the
 * help dialog lists the same table, so the two cannot drift apart.
 */
export type Shortcut =
	'next' | 'previous' | 'open' | 'edit' | 'pin' | 'search' | 'capture' | 'undo' | 'help';

export interface ShortcutHelp {
	keys: string;
	does: string;
}

/** What the `?` dialog shows, in this order. */
export const SHORTCUT_HELP: readonly ShortcutHelp[] = [
	{ keys: 'j / k', does: 'Next / previous thought' },
	{ keys: 'Enter', does: 'Open the thought' },
	{ keys: 'e', does: 'Edit the thought' },
	{ keys: 'p', does: 'Pin or unpin the thought' },
	{ keys: 'n', does: 'Write a new thought' },
	{ keys: '/', does: 'Search' },
	{ keys: 'Ctrl+Z', does: 'Undo the last delete' },
	{ keys: '?', does: 'Show these shortcuts' }
];

/** The parts of a KeyboardEvent the mapping reads (a plain object in tests). */
export interface KeyPress {
	key: string;
	ctrlKey: boolean;
	metaKey: boolean;
	altKey: boolean;
	target: EventTarget | null;
}

const PLAIN: Record<string, Shortcut> = {
	j: 'next',
	k: 'previous',
	Enter: 'open',
	e: 'edit',
	p: 'pin',
	'/': 'search',
	n: 'capture',
	'?': 'help'
};

/**
 * The shortcut a key press means, or null. Keys typed into a field are text, never commands;
 * Ctrl, Cmd and Alt combinations belong to the browser, except Ctrl/Cmd+Z (undo a delete).
 */
export function shortcutFor(press: KeyPress): Shortcut | null {
	if (isTypingIn(press.target)) return null;
	if (press.ctrlKey || press.metaKey) return press.key === 'z' && !press.altKey ? 'undo' : null;
	if (press.altKey) return null;
	return PLAIN[press.key] ?? null;
}

/** Text fields, selects and editable content: where a key press is typing. */
export function isTypingIn(target: EventTarget | null): boolean {
	// Read as a shape, not `instanceof HTMLElement`: a node in a dialog or frame still counts.
	const element = target as Partial<Pick<HTMLElement, 'tagName' | 'isContentEditable'>> | null;
	return (
		element?.isContentEditable === true ||
		['INPUT', 'TEXTAREA', 'SELECT'].includes(element?.tagName ?? '')
	);
}
