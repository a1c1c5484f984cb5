import type { ThoughtId } from '$sync/ids';

/** The attribute on a thought's list item (`data-thought={id}`); j/k move focus among them. */
export const THOUGHT_ITEM = 'data-thought';

/**
 * A thought that takes focus as soon as its item is on screen: pinning moves an item from one
 * list to another (a new element), and a thought's page renders it once the view has read it.
 */
const wanted = { id: null as ThoughtId | null };

/**
 * Asks for focus on the thought's next item to mount. A request not met soon is dropped: when
 * the item did not move (a filtered list), it must not grab focus at some later render.
 */
export function focusWhenShown(id: ThoughtId, withinMs = 2000): void {
	wanted.id = id;
	setTimeout(() => {
		if (wanted.id === id) wanted.id = null;
	}, withinMs);
}

/** Called by an item as it mounts: true once, for the item that was asked for. */
export function takeFocusRequest(id: ThoughtId): boolean {
	if (wanted.id !== id) return false;
	wanted.id = null;
	return true;
}

/**
 * Where j (step 1) or k (step -1) lands from item `current` (-1: focus is on no item) among
 * `count` items: the first item from outside the list, and no wrapping at the ends.
 */
export function steppedIndex(current: number, count: number, step: 1 | -1): number | null {
	if (count === 0) return null;
	if (current < 0) return 0;
	return Math.min(count - 1, Math.max(0, current + step));
}

/** Moves keyboard focus to the next or previous thought shown inside `container`. */
export function moveThoughtFocus(container: HTMLElement, step: 1 | -1): void {
	const items = [...container.querySelectorAll<HTMLElement>(`[${THOUGHT_ITEM}]`)];
	const focused = document.activeElement?.closest(`[${THOUGHT_ITEM}]`);
	const index = steppedIndex(
		items.findIndex((item) => item === focused),
		items.length,
		step
	);
	if (index === null) return;
	items[index].focus();
	items[index].scrollIntoView({ block: 'nearest' });
}
