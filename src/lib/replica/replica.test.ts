import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { SHARD_CAPACITY, addThought } from '$sync/doc/shard-doc';
import { shardDocName } from '$sync/doc-names';
import { newThoughtId, type UserId } from '$sync/ids';
import { DB_PREFIX } from './persisted-doc';
import { Replica } from './replica';
import { ReplicaError } from './replica-error';
import { dirtyShards } from './view-store';
import type { ViewChanges } from './view-db';

let counter = 0;
const open: Replica[] = [];
async function fresh(user = `user${++counter}` as UserId): Promise<Replica> {
	const replica = await Replica.open(user);
	open.push(replica);
	return replica;
}

/** Edits shard 0 straight in IndexedDB, behind any replica's back (as a dying tab would). */
async function editShardOnDisk(user: UserId, edit: (doc: Y.Doc) => void): Promise<void> {
	const doc = new Y.Doc();
	const persistence = new IndexeddbPersistence(DB_PREFIX + shardDocName(user, 0), doc);
	await persistence.whenSynced;
	edit(doc);
	await persistence.destroy();
}

const markNewerSchema = (doc: Y.Doc) => doc.getMap('meta').set('schemaVersion', 99);

afterEach(async () => {
	for (const replica of open.splice(0)) await replica.close().catch(() => {});
});

describe('Replica', () => {
	it('captures into the docs and materialises the view', async () => {
		const replica = await fresh();
		const id = await replica.capture('First #idea', { createdAt: 1000 });
		await replica.flush();
		const row = await replica.view.thoughts.get(id);
		expect(row).toMatchObject({
			id,
			text: 'First #idea',
			tags: ['idea'],
			createdAt: 1000,
			pinned: 0,
			shard: 0
		});
		expect((await replica.get(id))?.text).toBe('First #idea');
	});

	it('refuses an empty thought', async () => {
		const replica = await fresh();
		await expect(replica.capture('   ')).rejects.toMatchObject({ code: 'empty' });
	});

	it('edits, pins, deletes and restores', async () => {
		const replica = await fresh();
		const id = await replica.capture('draft #a/b');
		await replica.edit(id, 'final #a/c');
		await replica.setPinned(id, true);
		await replica.flush();
		expect(await replica.view.thoughts.get(id)).toMatchObject({
			text: 'final #a/c',
			tagIndex: ['a', 'a/c'],
			pinned: 1
		});
		const removed = await replica.remove(id);
		await replica.flush();
		expect(await replica.view.thoughts.get(id)).toBeUndefined();
		await replica.restore(removed);
		await replica.flush();
		expect(await replica.view.thoughts.get(id)).toMatchObject({ text: 'final #a/c', pinned: 1 });
		await expect(replica.edit(newThoughtId(), 'x')).rejects.toBeInstanceOf(ReplicaError);
	});

	it('keeps everything across a reopen', async () => {
		const user = 'reopen' as UserId;
		const first = await Replica.open(user);
		const ids = [await first.capture('one'), await first.capture('two')];
		await first.close();
		const second = await fresh(user);
		expect((await second.view.thoughts.bulkGet(ids)).map((r) => r?.text)).toEqual(['one', 'two']);
		expect((await second.allThoughts()).map((t) => t.text).sort()).toEqual(['one', 'two']);
	});

	it('repairs a view that missed writes (a tab died between the doc and the view)', async () => {
		const user = 'crash' as UserId;
		const first = await Replica.open(user);
		await first.capture('seen by the view');
		await first.close();
		const lost = newThoughtId();
		await editShardOnDisk(user, (doc) =>
			addThought(doc, lost, {
				text: 'never reached the view',
				createdAt: 5,
				visibility: 'private',
				pinned: false
			})
		);

		const second = await fresh(user);
		const repaired = new Promise<ViewChanges>((resolve) => second.onChange(resolve));
		await second.flush();
		expect((await second.view.thoughts.get(lost))?.text).toBe('never reached the view');
		// Search and the semantic index hear of the repaired rows like any other change.
		expect((await repaired).get(lost)).toMatchObject({ text: 'never reached the view' });
	});

	it('rebuilds the view from the docs', async () => {
		const replica = await fresh();
		const id = await replica.capture('survives a rebuild #x');
		await replica.flush();
		await replica.view.thoughts.clear();
		await replica.rebuildView();
		expect(await replica.view.thoughts.get(id)).toMatchObject({ tags: ['x'] });
	});

	it('imports without duplicates and opens new shards when one is full', async () => {
		const replica = await fresh();
		const thoughts = Array.from({ length: SHARD_CAPACITY + 20 }, (_, i) => ({
			id: newThoughtId(10_000 + i),
			text: `imported ${i}`,
			createdAt: 10_000 + i,
			visibility: 'private' as const,
			pinned: false
		}));
		const progress: number[] = [];
		const first = await replica.importThoughts([...thoughts, thoughts[0]], (done) =>
			progress.push(done)
		);
		expect(first).toEqual({ added: thoughts.length, skipped: 1 });
		expect(progress.at(-1)).toBe(thoughts.length);
		expect(await replica.view.thoughts.count()).toBe(thoughts.length);
		expect(new Set((await replica.view.thoughts.toArray()).map((r) => r.shard))).toEqual(
			new Set([0, 1])
		);

		const again = await replica.importThoughts(thoughts);
		expect(again).toEqual({ added: 0, skipped: thoughts.length });
		expect((await replica.allThoughts()).length).toBe(thoughts.length);
	});

	it('leaves closed shards clean, so the next start opens only what it needs', async () => {
		const user = 'clean' as UserId;
		const first = await Replica.open(user);
		await first.importThoughts(
			Array.from({ length: SHARD_CAPACITY * 2 + 1 }, (_, i) => ({
				id: newThoughtId(i),
				text: `t${i}`,
				createdAt: i,
				visibility: 'private' as const,
				pinned: false
			}))
		);
		// Shards 0 and 1 were closed once full; only the open shard would be re-checked after a crash.
		expect(await dirtyShards(first.view)).toEqual([2]);
		await first.close();
		const second = await fresh(user);
		expect(await dirtyShards(second.view)).toEqual([]);
		expect(await second.view.thoughts.count()).toBe(SHARD_CAPACITY * 2 + 1);
	});

	it('shares edits with another tab of the same user', async () => {
		const user = 'tabs' as UserId;
		const a = await fresh(user);
		const b = await fresh(user);
		// A tab hears another's edits to the open shard once it has loaded it.
		await b.prepareWrites();
		const changed = new Promise<void>((resolve) => b.onChange(() => resolve()));
		const id = await a.capture('from tab A');
		await changed;
		await b.flush();
		expect((await b.view.thoughts.get(id))?.text).toBe('from tab A');
	});

	it('refuses to write docs saved by a newer schema', async () => {
		const user = 'newer' as UserId;
		await editShardOnDisk(user, markNewerSchema);
		const replica = await fresh(user);
		expect(replica.isReadOnly).toBe(true);
		await expect(replica.capture('x')).rejects.toMatchObject({ code: 'newer-schema' });
	});

	it('tells when the open shard, loaded after the first paint, is from a newer schema', async () => {
		const user = 'newer-later' as UserId;
		const first = await Replica.open(user);
		await first.capture('written by this version');
		await first.close();
		await editShardOnDisk(user, markNewerSchema);

		const replica = await fresh(user);
		expect(replica.isReadOnly).toBe(false);
		const told = new Promise<void>((resolve) => replica.onReadOnly(resolve));
		await replica.prepareWrites();
		await told;
		expect(replica.isReadOnly).toBe(true);
		await expect(replica.capture('x')).rejects.toMatchObject({ code: 'newer-schema' });
	});
});
