import { liveQuery } from 'dexie';
import { handleError } from '$lib/app/handle-error';
import type { Replica } from '$lib/replica/replica';
import type { ThoughtRow } from '$lib/replica/view-db';
import type { ThoughtId } from '$sync/ids';
import { endOfDay, startOfDay } from './format-time';
import {
	NO_FILTER,
	queryPinned,
	queryTimeline,
	countThoughts,
	type TimelineFilter,
	type TimelinePage
} from './timeline-query';

export const PAGE_SIZE = 50;
const PINNED_SHOWN = 3;

/**
 * The timeline screen's state: filters and a growing page of rows, kept live by Dexie
 * (changes from this tab, other tabs and sync all land in the view and re-run the query).
 */
export class Timeline {
	filter = $state<TimelineFilter>(NO_FILTER);
	limit = $state(PAGE_SIZE);
	page = $state.raw<TimelinePage>({ rows: [], hasMore: false });
	isLoaded = $state(false);
	tags = $state.raw<[string, number][]>([]);
	pinned = $state.raw<{ rows: ThoughtRow[]; total: number }>({ rows: [], total: 0 });
	/** Thoughts changed here that the relay has not acknowledged yet. */
	// Replaced wholesale on every change, never mutated: a plain Set in $state.raw is enough.
	pending = $state.raw<ReadonlySet<ThoughtId>>(new Set());
	total = $state(0);
	isFiltered = $derived(
		this.filter.tag !== null ||
			this.filter.from !== null ||
			this.filter.to !== null ||
			this.filter.isPinnedOnly
	);

	constructor(replica: Replica) {
		const view = replica.view;
		$effect(() => {
			const filter = this.filter;
			const limit = this.limit;
			// Unfiltered, pinned thoughts have their own list above the timeline.
			const skipPinned = !this.isFiltered;
			return watch(
				() => queryTimeline(view, filter, limit, skipPinned),
				(page) => {
					this.page = page;
					this.isLoaded = true;
				}
			);
		});
		$effect(() =>
			watch(
				() => countThoughts(view),
				({ total, tags }) => {
					this.total = total;
					this.tags = tags;
				}
			)
		);
		$effect(() =>
			watch(
				() => queryPinned(view, PINNED_SHOWN),
				(pinned) => (this.pinned = pinned)
			)
		);
		$effect(() =>
			watch(
				() => view.pending.toCollection().primaryKeys(),
				(ids) => (this.pending = new Set(ids))
			)
		);
	}

	filterByTag(tag: string | null): void {
		this.filter = { ...this.filter, tag };
		this.limit = PAGE_SIZE;
	}

	/** Dates as the `yyyy-mm-dd` strings of date inputs, in local time; '' clears a bound. */
	filterByDates(from: string, to: string): void {
		this.filter = { ...this.filter, from: startOfDay(from), to: endOfDay(to) };
		this.limit = PAGE_SIZE;
	}

	showPinnedOnly(isPinnedOnly: boolean): void {
		this.filter = { ...this.filter, isPinnedOnly };
		this.limit = PAGE_SIZE;
	}

	clearFilters(): void {
		this.filter = NO_FILTER;
		this.limit = PAGE_SIZE;
	}

	/** Ignored until the current page has arrived, so a click and a scroll don't both count. */
	showMore(): void {
		if (this.page.hasMore && this.page.rows.length >= this.limit) this.limit += PAGE_SIZE;
	}
}

function watch<T>(query: () => Promise<T>, next: (value: T) => void): () => void {
	const subscription = liveQuery(query).subscribe({
		next,
		error: (error: unknown) => handleError(error, 'Could not read your thoughts')
	});
	return () => subscription.unsubscribe();
}
