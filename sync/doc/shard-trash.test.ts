import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newThoughtId, type ThoughtId } from '../ids';
import {
	TRASH_RETENTION_MS,
	addThought,
	listThoughts,
	observeThoughts,
	readThought,
	removeTrashed,
	restoreThought,
	setPinned,
	setThoughtText,
	trashThought
} from './shard-doc';

const fields = {
	text: 'shopping #list/weekly',
	createdAt: 1_700_000_000_000,
	visibility: 'public',
	pinned: true
} as const;
const DAY = 24 * 60 * 60 * 1000;

function withThought(): { doc: Y.Doc; id: ThoughtId } {
	const doc = new Y.Doc();
	const id = newThoughtId(fields.createdAt);
	addThought(doc, id, fields);
	return { doc, id };
}

/** Replicas that start from the same state and then edit without hearing from each other. */
function replicasOf(doc: Y.Doc, count: number): Y.Doc[] {
	return Array.from({ length: count }, () => {
		const copy = new Y.Doc();
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
		return copy;
	});
}

function syncAll(docs: Y.Doc[]): void {
	for (const from of docs) for (const to of docs) Y.applyUpdate(to, Y.encodeStateAsUpdate(from));
}

describe('the trash in a shard doc', () => {
	it('trashes a thought whole and restores exactly what it was', () => {
		const { doc, id } = withThought();
		const live = readThought(doc, id);
		expect(trashThought(doc, id, fields.createdAt + DAY)).toBe(true);
		expect(readThought(doc, id)).toEqual({ ...live, deletedAt: fields.createdAt + DAY });
		expect(restoreThought(doc, id)).toBe(true);
		expect(readThought(doc, id)).toEqual(live);
		expect(readThought(doc, id)?.deletedAt).toBeNull();
	});

	it('keeps the first trash time, so a second delete does not restart the 30 days', () => {
		const { doc, id } = withThought();
		trashThought(doc, id, 1000);
		trashThought(doc, id, 5000);
		expect(readThought(doc, id)?.deletedAt).toBe(1000);
	});

	it('reports unknown ids as missing and creates nothing', () => {
		const doc = new Y.Doc();
		const id = newThoughtId();
		expect(trashThought(doc, id, 1)).toBe(false);
		expect(restoreThought(doc, id)).toBe(false);
		expect(listThoughts(doc)).toEqual([]);
	});

	it('reads a malformed deletedAt from a peer as live, and a later trash replaces it', () => {
		const { doc, id } = withThought();
		for (const bad of ['yesterday', -5, Number.NaN, true]) {
			(doc.getMap('thoughts').get(id) as Y.Map<unknown>).set('deletedAt', bad);
			expect(readThought(doc, id)?.deletedAt, String(bad)).toBeNull();
			expect(removeTrashed(doc, Infinity)).toEqual([]);
		}
		trashThought(doc, id, 42);
		expect(readThought(doc, id)?.deletedAt).toBe(42);
	});

	it('removes only what was trashed before the cutoff', () => {
		const doc = new Y.Doc();
		const [old, recent, live] = [newThoughtId(), newThoughtId(), newThoughtId()];
		for (const id of [old, recent, live]) addThought(doc, id, fields);
		const now = fields.createdAt + 60 * DAY;
		trashThought(doc, old, now - TRASH_RETENTION_MS - 1);
		trashThought(doc, recent, now - TRASH_RETENTION_MS + DAY);
		expect(removeTrashed(doc, now - TRASH_RETENTION_MS)).toEqual([old]);
		expect(
			listThoughts(doc)
				.map((t) => t.id)
				.sort()
		).toEqual([recent, live].sort());
		expect(removeTrashed(doc, now - TRASH_RETENTION_MS)).toEqual([]);
		expect(removeTrashed(doc, Infinity)).toEqual([recent]);
		expect(listThoughts(doc).map((t) => t.id)).toEqual([live]);
	});

	it('reports trash, restore and removal as changes of the thought', () => {
		const { doc, id } = withThought();
		const seen: ThoughtId[][] = [];
		const stop = observeThoughts(doc, (ids) => seen.push([...ids]));
		trashThought(doc, id, 10);
		restoreThought(doc, id);
		trashThought(doc, id, 20);
		removeTrashed(doc, Infinity);
		stop();
		expect(seen).toEqual([[id], [id], [id], [id]]);
	});
});

describe('the trash across replicas', () => {
	it('keeps edits made on another device while the thought was being trashed', () => {
		const { doc, id } = withThought();
		const [a, b] = replicasOf(doc, 2);
		trashThought(a, id, 100);
		setThoughtText(b, id, 'shopping #list/weekly, with eggs');
		setPinned(b, id, false);
		syncAll([a, b]);
		restoreThought(a, id);
		syncAll([a, b]);
		for (const replica of [a, b]) {
			expect(readThought(replica, id)).toMatchObject({
				text: 'shopping #list/weekly, with eggs',
				pinned: false,
				deletedAt: null
			});
		}
	});

	it('converges when one device restores while another, not yet told, trashes', () => {
		const { doc, id } = withThought();
		const [a, b, c] = replicasOf(doc, 3);
		trashThought(a, id, 100);
		syncAll([a, b]);
		restoreThought(b, id);
		trashThought(c, id, 300);
		syncAll([a, b, c]);
		const results = [a, b, c].map((replica) => readThought(replica, id));
		expect(results[1]).toEqual(results[0]);
		expect(results[2]).toEqual(results[0]);
		expect([null, 300]).toContain(results[0]?.deletedAt);
		expect(results[0]?.text).toBe(fields.text);
	});

	it('converges on one time when two devices trash the same thought', () => {
		const { doc, id } = withThought();
		const [a, b] = replicasOf(doc, 2);
		trashThought(a, id, 100);
		trashThought(b, id, 200);
		syncAll([a, b]);
		const deletedAt = readThought(a, id)?.deletedAt;
		expect([100, 200]).toContain(deletedAt);
		expect(readThought(b, id)?.deletedAt).toBe(deletedAt);
	});

	it('converges when devices purge the same expired thoughts concurrently', () => {
		const doc = new Y.Doc();
		const ids = [newThoughtId(), newThoughtId(), newThoughtId()];
		for (const id of ids) addThought(doc, id, fields);
		trashThought(doc, ids[0], 1);
		trashThought(doc, ids[1], 2);
		const [a, b] = replicasOf(doc, 2);
		expect(removeTrashed(a, 10).sort()).toEqual([ids[0], ids[1]].sort());
		expect(removeTrashed(b, 10).sort()).toEqual([ids[0], ids[1]].sort());
		syncAll([a, b]);
		expect(listThoughts(a)).toEqual(listThoughts(b));
		expect(listThoughts(a).map((t) => t.id)).toEqual([ids[2]]);
	});
});
