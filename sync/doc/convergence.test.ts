import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { newThoughtId, type ThoughtId } from '../ids';
import { addShard, migrateRoot, openShardNumber, shardNumbers } from './root-doc';
import {
	addThought,
	listThoughts,
	migrateShard,
	readThought,
	removeThought,
	removeTrashed,
	restoreThought,
	setPinned,
	setThoughtText,
	setVisibility,
	trashThought,
	VISIBILITIES
} from './shard-doc';

/**
 * Seeded property tests: two replicas start from one state, apply random edits independently,
 * exchange updates in random order and batching, and must end identical and valid.
 */
const SEED = 20261126;
const ids: ThoughtId[] = Array.from({ length: 6 }, (_, i) => newThoughtId(1_700_000_000_000 + i));

const op = fc.oneof(
	fc.record({ kind: fc.constant('add' as const), id: fc.constantFrom(...ids), text: fc.string() }),
	fc.record({
		kind: fc.constant('edit' as const),
		id: fc.constantFrom(...ids),
		at: fc.nat(40),
		cut: fc.nat(5),
		insert: fc.string({ maxLength: 6 })
	}),
	fc.record({
		kind: fc.constant('pin' as const),
		id: fc.constantFrom(...ids),
		pinned: fc.boolean()
	}),
	fc.record({
		kind: fc.constant('visibility' as const),
		id: fc.constantFrom(...ids),
		visibility: fc.constantFrom(...VISIBILITIES)
	}),
	fc.record({ kind: fc.constant('remove' as const), id: fc.constantFrom(...ids) }),
	fc.record({ kind: fc.constant('trash' as const), id: fc.constantFrom(...ids), at: fc.nat(100) }),
	fc.record({ kind: fc.constant('restore' as const), id: fc.constantFrom(...ids) }),
	fc.record({ kind: fc.constant('purge' as const), cutoff: fc.nat(100) })
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

function apply(doc: Y.Doc, o: Op): void {
	if (o.kind === 'purge') return void removeTrashed(doc, o.cutoff);
	const current = readThought(doc, o.id);
	switch (o.kind) {
		case 'add':
			if (!current)
				addThought(doc, o.id, { text: o.text, createdAt: 1, visibility: 'private', pinned: false });
			return;
		case 'edit':
			if (current) {
				const at = Math.min(o.at, current.text.length);
				setThoughtText(
					doc,
					o.id,
					current.text.slice(0, at) + o.insert + current.text.slice(at + o.cut)
				);
			}
			return;
		case 'pin':
			setPinned(doc, o.id, o.pinned);
			return;
		case 'visibility':
			setVisibility(doc, o.id, o.visibility);
			return;
		case 'remove':
			removeThought(doc, o.id);
			return;
		case 'trash':
			trashThought(doc, o.id, o.at);
			return;
		case 'restore':
			restoreThought(doc, o.id);
	}
}

function replicaPair(): [Y.Doc, Y.Doc, Uint8Array[], Uint8Array[]] {
	const a = new Y.Doc();
	migrateShard(a);
	addThought(a, ids[0], {
		text: 'shared start',
		createdAt: 1,
		visibility: 'private',
		pinned: false
	});
	const b = new Y.Doc();
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
	const fromA: Uint8Array[] = [];
	const fromB: Uint8Array[] = [];
	a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'peer' && fromA.push(u));
	b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'peer' && fromB.push(u));
	return [a, b, fromA, fromB];
}

describe('shard convergence', () => {
	it('any interleaving of edits on two replicas converges to valid, identical docs', () => {
		fc.assert(
			fc.property(
				fc.array(op, { maxLength: 40 }),
				fc.array(op, { maxLength: 40 }),
				fc.array(fc.nat(), { minLength: 1, maxLength: 10 }),
				(opsA, opsB, order) => {
					const [a, b, fromA, fromB] = replicaPair();
					// Interleave: deliver some updates mid-way, in a shuffled order, then the rest.
					opsA.slice(0, opsA.length / 2).forEach((o) => apply(a, o));
					opsB.slice(0, opsB.length / 2).forEach((o) => apply(b, o));
					const early = fromA.splice(0, order[0] % (fromA.length + 1));
					for (const u of shuffled(early, order)) Y.applyUpdate(b, u, 'peer');
					opsA.slice(opsA.length / 2).forEach((o) => apply(a, o));
					opsB.slice(opsB.length / 2).forEach((o) => apply(b, o));
					for (const u of shuffled(fromB, order)) Y.applyUpdate(a, u, 'peer');
					for (const u of shuffled(fromA, order)) Y.applyUpdate(b, u, 'peer');

					const listA = listThoughts(a).sort(byId);
					expect(listA).toEqual(listThoughts(b).sort(byId));
					// Valid: every stored entry reads back as a whole thought.
					expect(listA.length).toBe(a.getMap('thoughts').size);
					expect(Y.encodeStateVector(a)).toEqual(Y.encodeStateVector(b));
				}
			),
			{ seed: SEED, numRuns: 300 }
		);
	});

	it('two fresh replicas that both open shards merge their shard lists', () => {
		fc.assert(
			fc.property(fc.nat(5), fc.nat(5), (na, nb) => {
				const a = new Y.Doc();
				const b = new Y.Doc();
				migrateRoot(a);
				migrateRoot(b);
				for (let n = 1; n <= na; n++) addShard(a, n, n);
				for (let n = 1; n <= nb; n++) addShard(b, n, 100 + n);
				Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
				Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
				expect(shardNumbers(a)).toEqual(shardNumbers(b));
				expect(openShardNumber(a)).toBe(Math.max(na, nb));
			}),
			{ seed: SEED, numRuns: 50 }
		);
	});
});

function byId(x: { id: string }, y: { id: string }): number {
	return x.id < y.id ? -1 : 1;
}

function shuffled<T>(items: T[], keys: number[]): T[] {
	return items
		.map((item, i) => ({ item, key: keys[i % keys.length] * 31 + i }))
		.sort((x, y) => (x.key % 7) - (y.key % 7))
		.map(({ item }) => item);
}
