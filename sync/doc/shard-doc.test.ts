import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newThoughtId, type ThoughtId } from '../ids';
import {
	addThought,
	listThoughts,
	migrateShard,
	observeThoughts,
	readThought,
	removeThought,
	setPinned,
	setThoughtText,
	setVisibility,
	spliceBetween
} from './shard-doc';
import { schemaVersionOf } from './migrations';

const fields = {
	text: 'hello #world',
	createdAt: 1_700_000_000_000,
	visibility: 'private',
	pinned: false
} as const;

describe('shard doc accessors', () => {
	it('adds, reads, edits and removes a thought', () => {
		const doc = new Y.Doc();
		const id = newThoughtId(fields.createdAt);
		addThought(doc, id, fields);
		expect(readThought(doc, id)).toEqual({ id, ...fields, deletedAt: null });
		setThoughtText(doc, id, 'hello there #world');
		setPinned(doc, id, true);
		setVisibility(doc, id, 'public');
		expect(readThought(doc, id)).toMatchObject({
			text: 'hello there #world',
			pinned: true,
			visibility: 'public'
		});
		expect(removeThought(doc, id)).toBe(true);
		expect(readThought(doc, id)).toBeNull();
		expect(removeThought(doc, id)).toBe(false);
	});

	it('reports unknown ids as missing instead of creating them', () => {
		const doc = new Y.Doc();
		const id = newThoughtId();
		expect(setThoughtText(doc, id, 'x')).toBe(false);
		expect(setPinned(doc, id, true)).toBe(false);
		expect(listThoughts(doc)).toEqual([]);
	});

	it('ignores malformed peer entries instead of reading half a thought', () => {
		const doc = new Y.Doc();
		const entries = doc.getMap('thoughts');
		const good = newThoughtId();
		addThought(doc, good, fields);
		entries.set('not-an-id', new Y.Map());
		const bad = newThoughtId();
		const broken = new Y.Map<unknown>();
		broken.set('text', 'a plain string, not Y.Text');
		broken.set('createdAt', 1);
		entries.set(bad, broken);
		const noDate = newThoughtId();
		const undated = new Y.Map<unknown>();
		undated.set('text', new Y.Text('x'));
		entries.set(noDate, undated);
		entries.set(newThoughtId(), 42 as never);
		expect(listThoughts(doc).map((t) => t.id)).toEqual([good]);
		expect(readThought(doc, bad)).toBeNull();
	});

	it('falls back to safe defaults for unknown visibility values', () => {
		const doc = new Y.Doc();
		const id = newThoughtId();
		addThought(doc, id, fields);
		(doc.getMap('thoughts').get(id) as Y.Map<unknown>).set('visibility', 'everyone');
		expect(readThought(doc, id)?.visibility).toBe('private');
	});

	it('reports changed ids with the transaction origin', () => {
		const doc = new Y.Doc();
		const seen: [ThoughtId[], unknown][] = [];
		const stop = observeThoughts(doc, (ids, origin) => seen.push([[...ids], origin]));
		const a = newThoughtId();
		addThought(doc, a, fields, 'me');
		setThoughtText(doc, a, 'changed', 'me');
		setPinned(doc, a, true, 'other');
		removeThought(doc, a, 'me');
		stop();
		addThought(doc, newThoughtId(), fields);
		expect(seen).toEqual([
			[[a], 'me'],
			[[a], 'me'],
			[[a], 'other'],
			[[a], 'me']
		]);
	});
});

describe('spliceBetween', () => {
	it.each([
		['abc', 'abc', { index: 3, remove: 0, insert: '' }],
		['abc', 'abXc', { index: 2, remove: 0, insert: 'X' }],
		['hello world', 'hello brave world', { index: 6, remove: 0, insert: 'brave ' }],
		['aaaa', 'aa', { index: 2, remove: 2, insert: '' }],
		['', 'new', { index: 0, remove: 0, insert: 'new' }]
	])('%s → %s', (prev, next, expected) => {
		expect(spliceBetween(prev, next)).toEqual(expected);
	});

	it('never splits a surrogate pair', () => {
		// 😀 and 😃 share their high surrogate.
		const { index, remove, insert } = spliceBetween('a😀b', 'a😃b');
		expect(index).toBe(1);
		expect(remove).toBe(2);
		expect(insert).toBe('😃');
	});

	it('applies to Y.Text to give exactly the target', () => {
		const doc = new Y.Doc();
		const id = newThoughtId();
		addThought(doc, id, { ...fields, text: 'one 😀 two' });
		for (const next of ['one 😃 two', 'one two', '', 'emoji 👩‍👩‍👧 family', 'x']) {
			setThoughtText(doc, id, next);
			expect(readThought(doc, id)?.text).toBe(next);
		}
	});
});

describe('shard migrations', () => {
	it('stamps the version and back-fills defaults, idempotently', () => {
		const doc = new Y.Doc();
		const id = newThoughtId();
		const legacy = new Y.Map<unknown>();
		legacy.set('text', new Y.Text('old'));
		legacy.set('createdAt', 5);
		doc.getMap('thoughts').set(id, legacy);
		expect(schemaVersionOf(doc)).toBe(0);

		expect(migrateShard(doc)).toEqual({ status: 'migrated', from: 0, version: 2 });
		expect(readThought(doc, id)).toEqual({
			id,
			text: 'old',
			createdAt: 5,
			visibility: 'private',
			pinned: false,
			deletedAt: null
		});
		const state = Y.encodeStateAsUpdate(doc);

		expect(migrateShard(doc)).toEqual({ status: 'current', version: 2 });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(state);
	});

	it('converges when two replicas migrate concurrently', () => {
		const a = new Y.Doc();
		const id = newThoughtId();
		const legacy = new Y.Map<unknown>();
		legacy.set('text', new Y.Text('old'));
		legacy.set('createdAt', 5);
		a.getMap('thoughts').set(id, legacy);
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		migrateShard(a);
		migrateShard(b);
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		expect(listThoughts(a)).toEqual(listThoughts(b));
		expect(schemaVersionOf(a)).toBe(2);
	});

	it('moves a version 1 doc to 2 without touching its thoughts', () => {
		const doc = new Y.Doc();
		const id = newThoughtId();
		addThought(doc, id, fields);
		doc.getMap('meta').set('schemaVersion', 1);
		const before = listThoughts(doc);
		expect(migrateShard(doc)).toEqual({ status: 'migrated', from: 1, version: 2 });
		expect(listThoughts(doc)).toEqual(before);
	});

	it('leaves a doc from a newer build untouched', () => {
		const doc = new Y.Doc();
		doc.getMap('meta').set('schemaVersion', 99);
		const state = Y.encodeStateAsUpdate(doc);
		expect(migrateShard(doc)).toEqual({ status: 'newer', version: 99, supported: 2 });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(state);
	});
});
