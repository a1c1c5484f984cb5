import * as Y from 'yjs';
import { isThoughtId, type ThoughtId } from '../ids';
import { isValidTime } from '../time';
import { runMigrations, type Migration, type MigrationOutcome } from './migrations';

/**
 * A shard doc holds up to SHARD_CAPACITY thoughts in ONE top-level map (thoughtId → entry).
 * Top-level types are created implicitly and merge across replicas; a nested map created
 * concurrently on two devices would not (one would win and the other's thoughts vanish).
 */
export const SHARD_CAPACITY = 1000;

export const VISIBILITIES = ['private', 'followers', 'public'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export interface ThoughtFields {
	text: string;
	createdAt: number;
	visibility: Visibility;
	pinned: boolean;
}

export interface Thought extends ThoughtFields {
	id: ThoughtId;
}

/** A thought as its doc holds it: live (`deletedAt` null) or in the trash since `deletedAt`. */
export interface StoredThought extends Thought {
	deletedAt: number | null;
}

/** How long a thought stays in the trash; then any device that opens its shard removes it. */
export const TRASH_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

const THOUGHTS = 'thoughts';
const KEY = {
	text: 'text',
	createdAt: 'createdAt',
	visibility: 'visibility',
	pinned: 'pinned',
	deletedAt: 'deletedAt'
} as const;
type Entry = Y.Map<unknown>;

const DEFAULTS = { visibility: 'private', pinned: false } as const;

export const SHARD_MIGRATIONS: readonly Migration[] = [
	{
		// v1: entries written before versioning may lack visibility/pinned; give them defaults.
		to: 1,
		up(doc) {
			for (const entry of entriesOf(doc).values()) {
				if (!(entry instanceof Y.Map)) continue;
				if (!entry.has(KEY.visibility)) entry.set(KEY.visibility, DEFAULTS.visibility);
				if (!entry.has(KEY.pinned)) entry.set(KEY.pinned, DEFAULTS.pinned);
			}
		}
	},
	{
		// v2: an entry may carry `deletedAt` (in the trash). Nothing to back-fill; the version is
		// what makes a v1 build, which would show trashed thoughts as live, stop writing (read-only,
		// "reload to update") and what makes a v1 server refuse the doc rather than publish it.
		to: 2,
		up() {}
	}
];

export function migrateShard(doc: Y.Doc): MigrationOutcome {
	return runMigrations(doc, SHARD_MIGRATIONS);
}

function entriesOf(doc: Y.Doc): Y.Map<Entry> {
	return doc.getMap<Entry>(THOUGHTS);
}

/**
 * Narrows untrusted peer data: a malformed entry reads as null, never as a half thought. A
 * `deletedAt` that is not a valid time reads as live: a thought is never lost to a bad value.
 */
function toThought(id: string, entry: unknown): StoredThought | null {
	if (!isThoughtId(id) || !(entry instanceof Y.Map)) return null;
	const text = entry.get(KEY.text);
	const createdAt = entry.get(KEY.createdAt);
	if (!(text instanceof Y.Text) || !isValidTime(createdAt)) return null;
	const visibility = entry.get(KEY.visibility);
	const deletedAt = entry.get(KEY.deletedAt);
	return {
		id,
		text: text.toString(),
		createdAt,
		visibility: VISIBILITIES.includes(visibility as Visibility)
			? (visibility as Visibility)
			: DEFAULTS.visibility,
		pinned: entry.get(KEY.pinned) === true,
		deletedAt: isValidTime(deletedAt) ? deletedAt : null
	};
}

/** The thought, live or trashed (tell them apart by `deletedAt`), or null if absent. */
export function readThought(doc: Y.Doc, id: ThoughtId): StoredThought | null {
	return toThought(id, entriesOf(doc).get(id));
}

/** Every thought of the shard, the trashed ones included (their `deletedAt` is set). */
export function listThoughts(doc: Y.Doc): StoredThought[] {
	const thoughts: StoredThought[] = [];
	for (const [id, entry] of entriesOf(doc)) {
		const thought = toThought(id, entry);
		if (thought) thoughts.push(thought);
	}
	return thoughts;
}

export function hasThought(doc: Y.Doc, id: ThoughtId): boolean {
	return entriesOf(doc).has(id);
}

export function thoughtCount(doc: Y.Doc): number {
	return entriesOf(doc).size;
}

export function addThought(
	doc: Y.Doc,
	id: ThoughtId,
	fields: ThoughtFields,
	origin?: unknown
): void {
	doc.transact(() => {
		const entry: Entry = new Y.Map();
		entry.set(KEY.text, new Y.Text(fields.text));
		entry.set(KEY.createdAt, fields.createdAt);
		entry.set(KEY.visibility, fields.visibility);
		entry.set(KEY.pinned, fields.pinned);
		entriesOf(doc).set(id, entry);
	}, origin);
}

/** Rewrites the text as one minimal splice, so a concurrent edit elsewhere in it survives. */
export function setThoughtText(doc: Y.Doc, id: ThoughtId, next: string, origin?: unknown): boolean {
	const text = entriesOf(doc).get(id)?.get(KEY.text);
	if (!(text instanceof Y.Text)) return false;
	const { index, remove, insert } = spliceBetween(text.toString(), next);
	if (remove === 0 && insert === '') return true;
	doc.transact(() => {
		if (remove > 0) text.delete(index, remove);
		if (insert) text.insert(index, insert);
	}, origin);
	return true;
}

export function setPinned(doc: Y.Doc, id: ThoughtId, pinned: boolean, origin?: unknown): boolean {
	return setField(doc, id, KEY.pinned, pinned, origin);
}

export function setVisibility(
	doc: Y.Doc,
	id: ThoughtId,
	visibility: Visibility,
	origin?: unknown
): boolean {
	return setField(doc, id, KEY.visibility, visibility, origin);
}

/**
 * Moves a thought to the trash: the entry stays whole, so restoring brings back exactly what it
 * was. A thought already in the trash keeps its first time, so its 30 days do not start again.
 */
export function trashThought(doc: Y.Doc, id: ThoughtId, at: number, origin?: unknown): boolean {
	const entry = entriesOf(doc).get(id);
	if (!(entry instanceof Y.Map)) return false;
	if (isValidTime(entry.get(KEY.deletedAt))) return true;
	doc.transact(() => entry.set(KEY.deletedAt, at), origin);
	return true;
}

/**
 * Takes a thought out of the trash. Against a concurrent trash on a device that had not seen the
 * earlier one, one of them wins as for any Yjs map key (by client id); every replica agrees.
 */
export function restoreThought(doc: Y.Doc, id: ThoughtId, origin?: unknown): boolean {
	const entry = entriesOf(doc).get(id);
	if (!(entry instanceof Y.Map)) return false;
	if (entry.has(KEY.deletedAt)) doc.transact(() => entry.delete(KEY.deletedAt), origin);
	return true;
}

/**
 * Removes for good every thought trashed before `cutoff` (`Infinity` empties the trash) and
 * returns their ids. Idempotent, so every device may run it on open and they still converge.
 */
export function removeTrashed(doc: Y.Doc, cutoff: number, origin?: unknown): ThoughtId[] {
	const entries = entriesOf(doc);
	const ids: ThoughtId[] = [];
	for (const [id, entry] of entries) {
		const deletedAt = entry instanceof Y.Map ? entry.get(KEY.deletedAt) : undefined;
		if (isThoughtId(id) && isValidTime(deletedAt) && deletedAt < cutoff) ids.push(id);
	}
	if (ids.length > 0) doc.transact(() => ids.forEach((id) => entries.delete(id)), origin);
	return ids;
}

/** Removing the entry lets Yjs garbage-collect its text (the trash's "delete now"). */
export function removeThought(doc: Y.Doc, id: ThoughtId, origin?: unknown): boolean {
	const entries = entriesOf(doc);
	if (!entries.has(id)) return false;
	doc.transact(() => entries.delete(id), origin);
	return true;
}

function setField(
	doc: Y.Doc,
	id: ThoughtId,
	key: string,
	value: unknown,
	origin: unknown
): boolean {
	const entry = entriesOf(doc).get(id);
	if (!(entry instanceof Y.Map)) return false;
	if (entry.get(key) !== value) doc.transact(() => entry.set(key, value), origin);
	return true;
}

/**
 * Calls back with the ids of thoughts added, changed or removed by each transaction,
 * together with the transaction's origin.
 */
export function observeThoughts(
	doc: Y.Doc,
	onChange: (ids: Set<ThoughtId>, origin: unknown) => void
): () => void {
	const entries = entriesOf(doc);
	const handler = (events: Y.YEvent<Y.AbstractType<unknown>>[], tx: Y.Transaction) => {
		const ids = new Set<ThoughtId>();
		for (const event of events) {
			if (event instanceof Y.YMapEvent && event.target === entries) {
				for (const key of event.keysChanged) if (isThoughtId(key)) ids.add(key);
			} else {
				const first = event.path[0];
				if (isThoughtId(first)) ids.add(first);
			}
		}
		if (ids.size > 0) onChange(ids, tx.origin);
	};
	entries.observeDeep(handler);
	return () => entries.unobserveDeep(handler);
}

/** The single splice that turns `prev` into `next`, never splitting a surrogate pair. */
export function spliceBetween(prev: string, next: string) {
	let start = 0;
	const max = Math.min(prev.length, next.length);
	while (start < max && prev.charCodeAt(start) === next.charCodeAt(start)) start++;
	if (start > 0 && isHighSurrogate(prev.charCodeAt(start - 1))) start--;
	let end = 0;
	while (
		end < max - start &&
		prev.charCodeAt(prev.length - 1 - end) === next.charCodeAt(next.length - 1 - end)
	) {
		end++;
	}
	if (end > 0 && isLowSurrogate(prev.charCodeAt(prev.length - end))) end--;
	return {
		index: start,
		remove: prev.length - start - end,
		insert: next.slice(start, next.length - end)
	};
}

function isHighSurrogate(code: number): boolean {
	return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
	return code >= 0xdc00 && code <= 0xdfff;
}
