import { handleError } from '$lib/app/handle-error';
import type { Replica } from '$lib/replica/replica';
import type { ThoughtRow } from '$lib/replica/view-db';
import type { ThoughtId } from '$sync/ids';
import type { UndoDelete } from './undo-delete.svelte';

/**
 * One thing a person can do to a thought, as data: the item renders a button from it and
 * knows nothing of the rules behind its label or state.
 */
export interface ThoughtAction {
	/** The button's text, which is also its accessible name. */
	label: string;
	/** For a toggle, whether it is on now (aria-pressed). */
	isPressed?: boolean;
	isDangerous?: boolean;
	/** Reports its own failure; never rejects. */
	run(): Promise<void>;
}

/** A thought's actions by name, in the order they are shown. */
export interface ThoughtActions {
	Pin: ThoughtAction;
	Delete: ThoughtAction;
}

/** How one screen carries out what is done to its thoughts. */
export interface ThoughtCommands {
	saveText(id: ThoughtId, text: string): void;
	/** Ticks or clears task `index`, applied to the thought's current text. */
	setTask(id: ThoughtId, index: number, checked: boolean): void;
	setPinned(id: ThoughtId, pinned: boolean): Promise<void>;
	delete(id: ThoughtId): Promise<void>;
	/** Where a tag leads (the timeline filters by it). */
	showTag(tag: string): void;
}

export interface ScreenChoices {
	showTag(tag: string): void;
	/** E.g. the single-thought screen goes back to the list. */
	afterDelete?(): void;
}

export function thoughtCommands(
	replica: Replica,
	undo: UndoDelete,
	screen: ScreenChoices
): ThoughtCommands {
	return {
		setTask: (id, index, checked) =>
			void replica
				.setTask(id, index, checked)
				.catch((e: unknown) => handleError(e, 'Could not tick the task')),
		saveText: (id, text) =>
			void replica.edit(id, text).catch((e: unknown) => handleError(e, 'Could not save the edit')),
		setPinned: (id, pinned) =>
			replica
				.setPinned(id, pinned)
				.catch((e: unknown) => handleError(e, pinned ? 'Could not pin' : 'Could not unpin')),
		delete: async (id) => {
			// The single-thought screen leaves only once the thought is really gone.
			if (await undo.delete(id)) screen.afterDelete?.();
		},
		showTag: (tag) => screen.showTag(tag)
	};
}

export function getThoughtActions(
	row: Pick<ThoughtRow, 'id' | 'pinned'>,
	commands: ThoughtCommands
): ThoughtActions {
	const isPinned = row.pinned === 1;
	return {
		Pin: {
			label: isPinned ? 'Unpin' : 'Pin',
			isPressed: isPinned,
			run: () => commands.setPinned(row.id, !isPinned)
		},
		Delete: { label: 'Delete', isDangerous: true, run: () => commands.delete(row.id) }
	};
}
