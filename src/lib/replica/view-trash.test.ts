import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addThought, removeTrashed, restoreThought, trashThought } from '$sync/doc/shard-doc';
import { newThoughtId, type ThoughtId, type UserId } from '$sync/ids';
import { ALL_THOUGHTS, ViewDb } from './view-db';
import { applyToView, clearRows, isCurrent, materialiseShard } from './view-store';

let db: ViewDb;
let n = 0;
const fields = { createdAt: 1000, visibility: 'public', pinned: true } as const;

beforeEach(() => {
	db = new ViewDb(`trash-view${++n}` as UserId);
});
afterEach(() => db.close());

function shardWith(...texts: string[]): { doc: Y.Doc; ids: ThoughtId[] } {
	const doc = new Y.Doc();
	const ids = texts.map((text) => {
		const id = newThoughtId();
		addThought(doc, id, { text, ...fields });
		return id;
	});
	return { doc, ids };
}

async function tallies(): Promise<Record<string, number>> {
	return Object.fromEntries((await db.tallies.toArray()).map((t) => [t.key, t.count]));
}

describe('the trash in the view', () => {
	it('moves a trashed thought out of the rows and tallies, and back on restore', async () => {
		const { doc, ids } = shardWith('keep #home', 'bin it #work/old');
		const [keep, binned] = ids;
		await materialiseShard(db, 0, doc);
		expect(await tallies()).toEqual({ [ALL_THOUGHTS]: 2, home: 1, work: 1, 'work/old': 1 });
		const before = await db.thoughts.get(binned);

		trashThought(doc, binned, 5000);
		const changes = await applyToView(db, 0, doc, [binned]);
		expect(changes.get(binned)).toBeNull();
		expect(await db.thoughts.get(binned)).toBeUndefined();
		expect(await db.trash.get(binned)).toEqual({ ...before, deletedAt: 5000 });
		expect(await tallies()).toEqual({ [ALL_THOUGHTS]: 1, home: 1 });
		expect((await db.thoughts.where('tagIndex').equals('work').toArray()).length).toBe(0);

		restoreThought(doc, binned);
		const back = await applyToView(db, 0, doc, [binned]);
		expect(back.get(binned)).toEqual(before);
		expect(await db.thoughts.get(binned)).toEqual(before);
		expect(await db.trash.count()).toBe(0);
		expect(await tallies()).toEqual({ [ALL_THOUGHTS]: 2, home: 1, work: 1, 'work/old': 1 });
		expect(await db.thoughts.get(keep)).toMatchObject({ text: 'keep #home' });
	});

	it('drops the trash row when the thought is removed for good', async () => {
		const { doc, ids } = shardWith('gone soon');
		trashThought(doc, ids[0], 10);
		await applyToView(db, 0, doc, ids);
		expect(await db.trash.count()).toBe(1);
		removeTrashed(doc, Infinity);
		await applyToView(db, 0, doc, ids);
		expect(await db.trash.count()).toBe(0);
		expect(await db.thoughts.count()).toBe(0);
		expect(await isCurrent(db, 0, doc)).toBe(true);
	});

	it('materialises live rows and trash alike, replacing trash rows that left the shard', async () => {
		const { doc, ids } = shardWith('live', 'trashed', 'purged');
		trashThought(doc, ids[1], 20);
		trashThought(doc, ids[2], 30);
		await materialiseShard(db, 4, doc);
		expect((await db.thoughts.toArray()).map((r) => r.text)).toEqual(['live']);
		expect((await db.trash.orderBy('deletedAt').toArray()).map((r) => r.text)).toEqual([
			'trashed',
			'purged'
		]);
		removeTrashed(doc, 25);
		await materialiseShard(db, 4, doc);
		expect((await db.trash.toArray()).map((r) => [r.text, r.shard])).toEqual([['purged', 4]]);
		expect(await tallies()).toEqual({ [ALL_THOUGHTS]: 1 });
	});

	it('is reproduced by clearing and materialising again (a rebuild)', async () => {
		const { doc, ids } = shardWith('a #x', 'b #y', 'c');
		trashThought(doc, ids[1], 99);
		await materialiseShard(db, 0, doc);
		const snapshot = async () => ({
			rows: await db.thoughts.orderBy('id').toArray(),
			trash: await db.trash.orderBy('id').toArray(),
			tallies: await tallies()
		});
		const before = await snapshot();
		await db.transaction('rw', [db.thoughts, db.trash, db.tallies], () => clearRows(db));
		expect(await db.trash.count()).toBe(0);
		await materialiseShard(db, 0, doc);
		expect(await snapshot()).toEqual(before);
	});

	it('marks every shard dirty when a view from before the trash is upgraded', async () => {
		const user = `trash-upgrade${++n}` as UserId;
		const old = new Dexie(`t10x-view:${user}`);
		old.version(5).stores({
			thoughts: 'id, shard, createdAt, [pinned+createdAt], *tagIndex',
			checkpoints: 'shard',
			drafts: 'key',
			pending: 'id, shard, seq',
			inferences: '++seq, at',
			tallies: 'key',
			vectorBlocks: '++key, model, [model+size]'
		});
		await old.table('checkpoints').bulkPut([
			{ shard: 0, state: new Uint8Array([1]), dirty: false },
			{ shard: 1, state: new Uint8Array([2]), dirty: false }
		]);
		old.close();

		const upgraded = new ViewDb(user);
		try {
			expect((await upgraded.checkpoints.toArray()).map((c) => [c.shard, c.dirty])).toEqual([
				[0, true],
				[1, true]
			]);
			expect(await upgraded.trash.count()).toBe(0);
		} finally {
			upgraded.close();
		}
	});
});
