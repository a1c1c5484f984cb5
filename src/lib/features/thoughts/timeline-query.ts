import { ALL_THOUGHTS, type ThoughtRow, type ViewDb } from '$lib/replica/view-db';

export interface TimelineFilter {
	tag: string | null;
	/** Inclusive range of createdAt in ms; null means open-ended. */
	from: number | null;
	to: number | null;
	isPinnedOnly: boolean;
}

export interface TimelinePage {
	rows: ThoughtRow[];
	hasMore: boolean;
}

export const NO_FILTER: TimelineFilter = { tag: null, from: null, to: null, isPinnedOnly: false };

/**
 * Newest first, at most `limit` rows. Without a tag this walks an index (createdAt, or
 * [pinned+createdAt] for pinned or unpinned only) and reads only the rows it returns; a tag
 * narrows the set through the multi-entry tag index first. `skipPinned` leaves pinned thoughts
 * out, for when they are shown above the timeline: each thought appears once.
 */
export async function queryTimeline(
	db: ViewDb,
	filter: TimelineFilter,
	limit: number,
	skipPinned = false
): Promise<TimelinePage> {
	const from = filter.from ?? -Infinity;
	const to = filter.to ?? Infinity;
	const onlyPinned = filter.isPinnedOnly ? 1 : skipPinned ? 0 : null;
	let rows: ThoughtRow[];
	if (filter.tag) {
		rows = await db.thoughts
			.where('tagIndex')
			.equals(filter.tag)
			.filter(
				(row) =>
					row.createdAt >= from &&
					row.createdAt <= to &&
					(onlyPinned === null || row.pinned === onlyPinned)
			)
			.toArray();
		rows.sort(newestFirst);
	} else if (onlyPinned !== null) {
		rows = await db.thoughts
			.where('[pinned+createdAt]')
			.between([onlyPinned, from], [onlyPinned, to], true, true)
			.reverse()
			.limit(limit + 1)
			.toArray();
	} else {
		rows = await db.thoughts
			.where('createdAt')
			.between(from, to, true, true)
			.reverse()
			.limit(limit + 1)
			.toArray();
	}
	return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** The newest pinned thoughts, shown above the timeline, and how many are pinned in all. */
export async function queryPinned(
	db: ViewDb,
	limit: number
): Promise<{ rows: ThoughtRow[]; total: number }> {
	const pinned = db.thoughts.where('[pinned+createdAt]').between([1, -Infinity], [1, Infinity]);
	const [rows, total] = await Promise.all([
		pinned.clone().reverse().limit(limit).toArray(),
		pinned.count()
	]);
	return { rows, total };
}

function newestFirst(a: ThoughtRow, b: ThoughtRow): number {
	return b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);
}

export interface ThoughtCounts {
	total: number;
	/** Every tag with how many thoughts carry it (ancestors count their descendants' thoughts). */
	tags: [tag: string, count: number][];
}

/** How many thoughts the view holds, in all and per tag: one read of the tallies. */
export async function countThoughts(db: ViewDb): Promise<ThoughtCounts> {
	// A few hundred rows at most: one getAll, split here, beats a cursor over two ranges.
	const tallies = await db.tallies.toArray();
	return {
		total: tallies.find((tally) => tally.key === ALL_THOUGHTS)?.count ?? 0,
		tags: tallies
			.filter((tally) => tally.key !== ALL_THOUGHTS)
			.map((tally): [string, number] => [tally.key, tally.count])
	};
}
