import type { ThoughtRow, ViewDb } from '$lib/replica/view-store';

export interface TimelineFilter {
	tag: string | null;
	/** Inclusive range of createdAt in ms; null means open-ended. */
	from: number | null;
	to: number | null;
}

export interface TimelinePage {
	rows: ThoughtRow[];
	hasMore: boolean;
}

export const NO_FILTER: TimelineFilter = { tag: null, from: null, to: null };

/**
 * Pinned thoughts first, then the rest newest first, at most `limit` rows. Without a tag this
 * walks the [pinned+createdAt] index and reads only the rows it returns; a tag narrows the set
 * through the multi-entry tag index first.
 */
export async function queryTimeline(
	db: ViewDb,
	filter: TimelineFilter,
	limit: number
): Promise<TimelinePage> {
	const from = filter.from ?? -Infinity;
	const to = filter.to ?? Infinity;
	if (filter.tag) {
		const rows = await db.thoughts
			.where('tagIndex')
			.equals(filter.tag)
			.filter((row) => row.createdAt >= from && row.createdAt <= to)
			.toArray();
		rows.sort(byTimeline);
		return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
	}
	const inRange = (pinned: 0 | 1) =>
		db.thoughts.where('[pinned+createdAt]').between([pinned, from], [pinned, to], true, true);
	const pinned = await inRange(1).reverse().toArray();
	const rest = await inRange(0)
		.reverse()
		.limit(Math.max(0, limit - pinned.length) + 1)
		.toArray();
	const rows = [...pinned, ...rest];
	return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
}

function byTimeline(a: ThoughtRow, b: ThoughtRow): number {
	return b.pinned - a.pinned || b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1);
}

/** Every tag with how many thoughts carry it (ancestors count their descendants' thoughts). */
export async function tagCounts(db: ViewDb): Promise<[tag: string, count: number][]> {
	const counts = new Map<string, number>();
	await db.thoughts.orderBy('tagIndex').eachKey((key) => {
		const tag = String(key);
		counts.set(tag, (counts.get(tag) ?? 0) + 1);
	});
	return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
