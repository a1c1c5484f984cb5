import { handleError } from '$lib/app/handle-error';
import { notices } from '$lib/app/notices.svelte';
import type { RemovedThought, Replica } from '$lib/replica/replica';
import type { ThoughtId } from '$sync/ids';

/**
 * Deleting is instant and moves the thought to "Recently deleted" for 30 days; the notice (or
 * Ctrl+Z) is the quick way back for the last one.
 */
export class UndoDelete {
	last = $state.raw<RemovedThought | null>(null);
	#replica: Replica;

	constructor(replica: Replica) {
		this.#replica = replica;
	}

	async delete(id: ThoughtId): Promise<void> {
		try {
			this.last = await this.#replica.remove(id);
			notices.show('info', 'Thought deleted: in Recently deleted for 30 days.', {
				label: 'Undo',
				run: () => void this.undo()
			});
		} catch (error) {
			handleError(error, 'Could not delete the thought');
		}
	}

	async undo(): Promise<boolean> {
		const removed = this.last;
		if (!removed) return false;
		this.last = null;
		try {
			await this.#replica.restore(removed);
			notices.show('info', 'Thought restored.');
			return true;
		} catch (error) {
			handleError(error, 'Could not restore the thought');
			return false;
		}
	}
}
