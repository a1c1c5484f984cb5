import { liveQuery } from 'dexie';
import { untrack } from 'svelte';
import { handleError } from '$lib/app/handle-error';
import { notices } from '$lib/app/notices.svelte';
import type { Replica } from '$lib/replica/replica';
import type { TrashRow } from '$lib/replica/view-db';
import type { ThoughtId } from '$sync/ids';

export const PAGE_SIZE = 100;

/**
 * The "Recently deleted" screen's state: the trash, most recently deleted first, kept live by
 * Dexie (a thought trashed or restored on another device shows up here as it syncs).
 */
export class RecentlyDeleted {
	rows = $state.raw<TrashRow[]>([]);
	total = $state(0);
	isLoaded = $state(false);
	limit = $state(PAGE_SIZE);
	#replica: Replica;
	#subscription: { unsubscribe(): void } | null = null;

	constructor(replica: Replica) {
		this.#replica = replica;
	}

	/** Starts following the trash and returns how to stop (the screen calls it from an effect). */
	watch(): () => void {
		this.#follow();
		return () => {
			this.#subscription?.unsubscribe();
			this.#subscription = null;
		};
	}

	showMore(): void {
		if (this.rows.length < this.limit) return;
		this.limit += PAGE_SIZE;
		if (this.#subscription) this.#follow();
	}

	#follow(): void {
		this.#subscription?.unsubscribe();
		const trash = this.#replica.view.trash;
		// Read without tracking: the effect that starts this must not restart when the page grows.
		const limit = untrack(() => this.limit);
		this.#subscription = liveQuery(async () => ({
			rows: await trash.orderBy('deletedAt').reverse().limit(limit).toArray(),
			total: await trash.count()
		})).subscribe({
			next: ({ rows, total }) => {
				this.rows = rows;
				this.total = total;
				this.isLoaded = true;
			},
			error: (error: unknown) => handleError(error, 'Could not read the trash')
		});
	}

	async restore(id: ThoughtId): Promise<void> {
		try {
			await this.#replica.trash.restore(id);
			notices.show('info', 'Thought restored.');
		} catch (error) {
			handleError(error, 'Could not restore the thought');
		}
	}

	async deleteForever(id: ThoughtId): Promise<void> {
		try {
			await this.#replica.trash.deleteForever(id);
			notices.show('info', 'Thought deleted for good.');
		} catch (error) {
			handleError(error, 'Could not delete the thought');
		}
	}

	async empty(): Promise<void> {
		try {
			const count = await this.#replica.trash.empty();
			notices.show(
				'info',
				count === 1 ? '1 thought deleted for good.' : `${count} thoughts deleted for good.`
			);
		} catch (error) {
			handleError(error, 'Could not empty the trash');
		}
	}
}
