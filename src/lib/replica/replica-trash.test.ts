import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { TRASH_RETENTION_MS, listThoughts, readThought, trashThought } from '$sync/doc/shard-doc';
import { shardDocName } from '$sync/doc-names';
import type { ThoughtId, UserId } from '$sync/ids';
import { DB_PREFIX } from './persisted-doc';
import { Replica } from './replica';

let counter = 0;
const open: Replica[] = [];
async function fresh(user = `trash${++counter}` as UserId): Promise<Replica> {
	const replica = await Replica.open(user);
	open.push(replica);
	return replica;
}

/** Opens shard 0 straight from IndexedDB (as another device's sync would have left it). */
async function onDisk<T>(user: UserId, use: (doc: Y.Doc) => T): Promise<T> {
	const doc = new Y.Doc();
	const persistence = new IndexeddbPersistence(DB_PREFIX + shardDocName(user, 0), doc);
	await persistence.whenSynced;
	const result = use(doc);
	await persistence.destroy();
	return result;
}

afterEach(async () => {
	for (const replica of open.splice(0)) await replica.close().catch(() => {});
});

async function withThought(replica: Replica): Promise<ThoughtId> {
	const id = await replica.capture('groceries #list/weekly', {
		visibility: 'public',
		createdAt: 1_700_000_000_000
	});
	await replica.setPinned(id, true);
	await replica.flush();
	return id;
}

describe('Replica trash', () => {
	it('moves a deleted thought to the trash and restores it exactly', async () => {
		const replica = await fresh();
		const id = await withThought(replica);
		const live = await replica.view.thoughts.get(id);
		await replica.remove(id, 2_000_000_000_000);
		await replica.flush();
		expect(await replica.view.thoughts.get(id)).toBeUndefined();
		expect(await replica.view.trash.get(id)).toEqual({ ...live, deletedAt: 2_000_000_000_000 });
		expect(await replica.view.tallies.toArray()).toEqual([]);
		expect((await replica.get(id))?.deletedAt).toBe(2_000_000_000_000);
		expect(await replica.allThoughts()).toEqual([]);

		await replica.trash.restore(id);
		await replica.flush();
		expect(await replica.view.thoughts.get(id)).toEqual(live);
		expect(await replica.view.trash.count()).toBe(0);
		expect(await replica.get(id)).toMatchObject({
			text: 'groceries #list/weekly',
			visibility: 'public',
			pinned: true,
			createdAt: 1_700_000_000_000,
			deletedAt: null
		});
	});

	it('refuses edits to a thought in the trash, which stays as it was', async () => {
		const replica = await fresh();
		const id = await withThought(replica);
		await replica.remove(id);
		const before = await replica.get(id);
		await expect(replica.edit(id, 'changed')).rejects.toMatchObject({ code: 'not-found' });
		await expect(replica.setPinned(id, false)).rejects.toMatchObject({ code: 'not-found' });
		await expect(replica.setVisibility(id, 'private')).rejects.toMatchObject({ code: 'not-found' });
		expect(await replica.get(id)).toEqual(before);
	});

	it('undoes a delete even after the trash was emptied meanwhile', async () => {
		const replica = await fresh();
		const id = await withThought(replica);
		const live = await replica.view.thoughts.get(id);
		const removed = await replica.remove(id);
		await replica.flush();
		expect(await replica.trash.empty()).toBe(1);
		expect(await replica.get(id)).toBeNull();
		await replica.restore(removed);
		await replica.flush();
		expect(await replica.view.thoughts.get(id)).toEqual(live);
		expect((await replica.get(id))?.deletedAt).toBeNull();
	});

	it('removes one thought for good, and never a live one', async () => {
		const replica = await fresh();
		const binned = await withThought(replica);
		const kept = await replica.capture('still here');
		await replica.remove(binned);
		await replica.flush();
		await replica.trash.deleteForever(binned);
		await replica.flush();
		expect(await replica.get(binned)).toBeNull();
		expect(await replica.view.trash.count()).toBe(0);
		await replica.trash.deleteForever(kept);
		expect((await replica.get(kept))?.text).toBe('still here');
		await expect(replica.trash.restore(binned)).rejects.toMatchObject({ code: 'not-found' });
	});

	it('empties only the trash', async () => {
		const replica = await fresh();
		const ids = [await replica.capture('one'), await replica.capture('two')];
		const kept = await replica.capture('kept');
		for (const id of ids) await replica.remove(id);
		await replica.flush();
		expect(await replica.trash.empty()).toBe(2);
		await replica.flush();
		expect(await replica.view.trash.count()).toBe(0);
		expect((await replica.allThoughts()).map((t) => t.id)).toEqual([kept]);
		expect(await replica.trash.empty()).toBe(0);
	});

	it('removes what was trashed over 30 days ago, and nothing younger', async () => {
		const replica = await fresh();
		const now = 2_000_000_000_000;
		const old = await replica.capture('old');
		const recent = await replica.capture('recent');
		await replica.remove(old, now - TRASH_RETENTION_MS - 1);
		await replica.remove(recent, now - TRASH_RETENTION_MS + 60_000);
		await replica.flush();
		expect(await replica.trash.purgeExpired(now)).toBe(1);
		await replica.flush();
		expect(await replica.get(old)).toBeNull();
		expect((await replica.view.trash.toArray()).map((r) => r.id)).toEqual([recent]);
		expect(await replica.trash.purgeExpired(now)).toBe(0);
	});

	it('purges what another device trashed long ago, once synced, never before', async () => {
		const user = 'trash-on-open' as UserId;
		const first = await Replica.open(user);
		const stale = await first.capture('trashed on another device, long ago');
		const fresher = await first.capture('trashed there yesterday');
		await first.close();
		await onDisk(user, (doc) => {
			trashThought(doc, stale, Date.now() - TRASH_RETENTION_MS - 60_000);
			trashThought(doc, fresher, Date.now() - 24 * 60 * 60 * 1000);
		});

		// An account's replica keeps old trash until its sync client says everything is synced.
		const second = await Replica.open(user);
		await second.prepareWrites();
		await second.close();
		expect(await onDisk(user, (doc) => listThoughts(doc).length)).toBe(2);

		const synced = await Replica.open(user);
		await synced.sweepTrash();
		await synced.close();
		const left = await onDisk(user, (doc) => listThoughts(doc).map((t) => t.id));
		expect(left).toEqual([fresher]);
		const third = await fresh(user);
		expect((await third.view.trash.toArray()).map((r) => r.id)).toEqual([fresher]);
		expect(await third.view.thoughts.count()).toBe(0);
		expect(await onDisk(user, (doc) => readThought(doc, fresher)?.text)).toBe(
			'trashed there yesterday'
		);
	});

	it('does not bring a trashed thought back when the same file is imported again', async () => {
		const replica = await fresh();
		const id = await withThought(replica);
		const [thought] = await replica.allThoughts();
		await replica.remove(id);
		await replica.flush();
		expect(await replica.importThoughts([thought])).toEqual({ added: 0, skipped: 1 });
		expect(await replica.view.thoughts.count()).toBe(0);
		expect(await replica.view.trash.count()).toBe(1);
	});

	it('rebuilds the trash with the view', async () => {
		const replica = await fresh();
		const id = await withThought(replica);
		await replica.remove(id, 1234);
		await replica.flush();
		const before = await replica.view.trash.toArray();
		await replica.view.trash.clear();
		await replica.rebuildView();
		expect(await replica.view.trash.toArray()).toEqual(before);
		expect(await replica.view.thoughts.count()).toBe(0);
	});
});
