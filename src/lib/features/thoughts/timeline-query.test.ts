import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ThoughtId, UserId } from '$sync/ids';
import { ViewDb, type ThoughtRow } from '$lib/replica/view-db';
import { writeRows } from '$lib/replica/view-store';
import { expandTags } from '$sync/tags';
import { NO_FILTER, countThoughts, queryPinned, queryTimeline } from './timeline-query';

let db: ViewDb;
let n = 0;

function row(createdAt: number, tags: string[] = [], pinned: 0 | 1 = 0): ThoughtRow {
	const id = `t${String(createdAt).padStart(10, '0')}${'0'.repeat(12)}` as ThoughtId;
	return {
		id,
		shard: 0,
		text: `thought at ${createdAt}`,
		tags,
		tagIndex: expandTags(tags),
		createdAt,
		pinned,
		visibility: 'private',
		hash: String(createdAt)
	};
}

beforeEach(async () => {
	db = new ViewDb(`timeline${++n}` as UserId);
	const rows = [
		row(100, ['work/meetings']),
		row(200, ['work']),
		row(300, [], 1),
		row(400, ['home']),
		row(500),
		row(600, ['work/meetings/weekly'], 1)
	];
	await db.transaction('rw', db.thoughts, db.tallies, () => writeRows(db, rows, []));
});
afterEach(() => db.close());

const times = (rows: ThoughtRow[]) => rows.map((r) => r.createdAt);

describe('queryTimeline', () => {
	it('lists newest first, one page at a time', async () => {
		expect(times((await queryTimeline(db, NO_FILTER, 10)).rows)).toEqual([
			600, 500, 400, 300, 200, 100
		]);
		const page = await queryTimeline(db, NO_FILTER, 3);
		expect(times(page.rows)).toEqual([600, 500, 400]);
		expect(page.hasMore).toBe(true);
		expect((await queryTimeline(db, NO_FILTER, 6)).hasMore).toBe(false);
	});

	it('filters by a tag and its descendants', async () => {
		const work = await queryTimeline(db, { ...NO_FILTER, tag: 'work' }, 10);
		expect(times(work.rows)).toEqual([600, 200, 100]);
		const meetings = await queryTimeline(db, { ...NO_FILTER, tag: 'work/meetings' }, 1);
		expect(times(meetings.rows)).toEqual([600]);
		expect(meetings.hasMore).toBe(true);
	});

	it('filters by an inclusive date range, alone or with a tag', async () => {
		const range = { ...NO_FILTER, from: 200, to: 500 };
		expect(times((await queryTimeline(db, range, 10)).rows)).toEqual([500, 400, 300, 200]);
		const tagged = { ...NO_FILTER, tag: 'work', from: 150 };
		expect(times((await queryTimeline(db, tagged, 10)).rows)).toEqual([600, 200]);
		expect((await queryTimeline(db, { ...NO_FILTER, from: 700 }, 10)).rows).toEqual([]);
	});

	it('shows pinned thoughts only, alone or with other filters', async () => {
		const pinned = { ...NO_FILTER, isPinnedOnly: true };
		expect(times((await queryTimeline(db, pinned, 10)).rows)).toEqual([600, 300]);
		expect(times((await queryTimeline(db, { ...pinned, to: 400 }, 10)).rows)).toEqual([300]);
		expect(times((await queryTimeline(db, { ...pinned, tag: 'work' }, 10)).rows)).toEqual([600]);
	});

	it('leaves pinned thoughts out when they are listed apart', async () => {
		const page = await queryTimeline(db, NO_FILTER, 3, true);
		expect(times(page.rows)).toEqual([500, 400, 200]);
		expect(page.hasMore).toBe(true);
		const all = await queryTimeline(db, NO_FILTER, 10, true);
		expect(times(all.rows)).toEqual([500, 400, 200, 100]);
		const work = { ...NO_FILTER, tag: 'work' };
		expect(times((await queryTimeline(db, work, 10, true)).rows)).toEqual([200, 100]);
	});
});

describe('queryPinned', () => {
	it('returns the newest pinned thoughts and the total', async () => {
		const { rows, total } = await queryPinned(db, 1);
		expect(times(rows)).toEqual([600]);
		expect(total).toBe(2);
	});
});

describe('countThoughts', () => {
	it('counts each tag with its descendants', async () => {
		expect((await countThoughts(db)).tags).toEqual([
			['home', 1],
			['work', 3],
			['work/meetings', 2],
			['work/meetings/weekly', 1]
		]);
	});

	it('follows edits and deletions without a walk over the rows', async () => {
		const edited = { ...row(100, ['home']), text: 'moved home' };
		await db.transaction('rw', db.thoughts, db.tallies, () =>
			writeRows(db, [edited], [row(600).id])
		);
		expect((await countThoughts(db)).tags).toEqual([
			['home', 2],
			['work', 1]
		]);
		expect((await countThoughts(db)).total).toBe(5);
	});
});
