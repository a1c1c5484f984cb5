import { handleError } from '$lib/app/handle-error';
import type { Replica } from '$lib/replica/replica';
import type { ThoughtId } from '$sync/ids';
import type { Timeline } from './timeline.svelte';
import type { UndoDelete } from './undo-delete.svelte';

/** What a person can do to a thought, as data the list hands to each item. */
export interface ThoughtActions {
	edit(id: ThoughtId, text: string): void;
	pin(id: ThoughtId, pinned: boolean): void;
	delete(id: ThoughtId): void;
	filterByTag(tag: string): void;
}

export function thoughtActions(
	replica: Replica,
	timeline: Timeline,
	undo: UndoDelete
): ThoughtActions {
	return {
		edit: (id, text) =>
			void replica.edit(id, text).catch((e: unknown) => handleError(e, 'Could not save the edit')),
		pin: (id, pinned) =>
			void replica
				.setPinned(id, pinned)
				.catch((e: unknown) => handleError(e, pinned ? 'Could not pin' : 'Could not unpin')),
		delete: (id) => void undo.delete(id),
		filterByTag: (tag) => timeline.filterByTag(tag)
	};
}
