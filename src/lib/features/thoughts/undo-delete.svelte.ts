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

	/** True once the thought is in the trash; a failure is reported here. */
	async delete(id: ThoughtId): Promise<boolean> {
		try {
			this.last = await this.#replica.remove(id);
			notices.show('info', 'Thought deleted: in Recently deleted for 30 days.', {
				label: 'Undo',
				run: () => void this.undo()
			});
			return true;
		} catch (error) {
			handleError(error, 'Could not delete the thought');
			return false;
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
