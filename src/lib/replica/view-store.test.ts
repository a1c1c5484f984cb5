import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addThought, removeThought, setThoughtText } from '$sync/doc/shard-doc';
import { newThoughtId, type UserId } from '$sync/ids';
import { ALL_THOUGHTS, ViewDb } from './view-db';
import {
	applyToView,
	dirtyShards,
	isCurrent,
	markDirty,
	materialiseShard,
	toRow
} from './view-store';

let db: ViewDb;
let n = 0;
const fields = { createdAt: 1000, visibility: 'private', pinned: false } as const;

beforeEach(() => {
	db = new ViewDb(`view${++n}` as UserId);
});
afterEach(() => db.close());

describe('view store', () => {
	it('derives tags, tag ancestry and a content hash', () => {
		const id = newThoughtId();
		const row = toRow({ id, text: 'Ship it #work/release #Work', ...fields, pinned: true }, 3);
		expect(row).toMatchObject({ id, shard: 3, tags: ['work/release', 'work'], pinned: 1 });
		expect(row.tagIndex).toEqual(['work', 'work/release']);
		expect(toRow({ id, text: 'other', ...fields }, 3).hash).not.toBe(row.hash);
	});

	it('materialises a shard, replacing rows that left it', async () => {
		const doc = new Y.Doc();
		const keep = newThoughtId();
		const gone = newThoughtId();
		addThought(doc, keep, { text: 'keep', ...fields });
		addThought(doc, gone, { text: 'gone', ...fields });
		await materialiseShard(db, 0, doc);
		expect(await db.thoughts.count()).toBe(2);
		expect(await isCurrent(db, 0, doc)).toBe(true);

		removeThought(doc, gone);
		expect(await isCurrent(db, 0, doc)).toBe(false);
		await materialiseShard(db, 0, doc);
		expect((await db.thoughts.toArray()).map((r) => r.text)).toEqual(['keep']);
		expect(await db.tallies.toArray()).toEqual([{ key: ALL_THOUGHTS, count: 1 }]);
	});

	it('applies changes per thought and leaves other shards alone', async () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const id = newThoughtId();
		addThought(a, id, { text: 'first home', ...fields });
		await applyToView(db, 0, a, [id]);
		// The thought moved: re-added in shard 1 (an undone delete), then removed from shard 0.
		addThought(b, id, { text: 'second home', ...fields });
		await applyToView(db, 1, b, [id]);
		removeThought(a, id);
		await applyToView(db, 0, a, [id]);
		expect(await db.thoughts.get(id)).toMatchObject({ shard: 1, text: 'second home' });

		setThoughtText(b, id, 'edited #idea');
		const changes = await applyToView(db, 1, b, [id]);
		expect(changes.get(id)).toMatchObject({ text: 'edited #idea', tags: ['idea'] });
		expect(await db.tallies.toArray()).toEqual([
			{ key: ALL_THOUGHTS, count: 1 },
			{ key: 'idea', count: 1 }
		]);
		expect((await db.thoughts.get(id))?.text).toBe('edited #idea');
		expect(await isCurrent(db, 1, b)).toBe(true);
	});

	it('keeps a shard dirty until it is materialised again', async () => {
		const doc = new Y.Doc();
		addThought(doc, newThoughtId(), { text: 'x', ...fields });
		await materialiseShard(db, 2, doc);
		await markDirty(db, 2);
		await applyToView(db, 2, doc, []);
		expect(await dirtyShards(db)).toEqual([2]);
		expect(await isCurrent(db, 2, doc)).toBe(false);
		await materialiseShard(db, 2, doc);
		expect(await dirtyShards(db)).toEqual([]);
	});
});
