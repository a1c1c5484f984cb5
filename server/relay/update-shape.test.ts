import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addThought, listThoughts, setPinned, setThoughtText } from '../../sync/doc/shard-doc';
import { newThoughtId } from '../../sync/ids';
import { seededRandom } from '../../tests/fixtures/seeded-random';
import { crossingUpdates, expensiveUpdate } from '../../tests/integration/adversarial-updates';
import { DEFAULT_GUARD_LIMITS } from './message-guard';
import { pendingStructsOf, shapeProblem, type ShapeLimits } from './update-shape';

const NOW = 1_700_000_000_000;

function problemOf(update: Uint8Array, doc: Y.Doc, limits: ShapeLimits, unseen = 0) {
	return shapeProblem(Y.decodeUpdate(update).structs, doc, limits, unseen);
}

/** The smallest step limit that lets the update through: the walk's estimate of its cost. */
function estimatedSteps(update: Uint8Array, doc: Y.Doc): number {
	const open: ShapeLimits = {
		maxStructsPerUpdate: Infinity,
		maxClientsPerUpdate: Infinity,
		maxIntegrationSteps: 0
	};
	let low = 0;
	let high = 1e9;
	while (low < high) {
		const mid = Math.floor((low + high) / 2);
		if (problemOf(update, doc, { ...open, maxIntegrationSteps: mid })) low = mid + 1;
		else high = mid;
	}
	return low;
}

function copyOf(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

function changesOf(doc: Y.Doc, edit: () => void): Uint8Array {
	const before = Y.encodeStateVector(doc);
	edit();
	return Y.encodeStateAsUpdate(doc, before);
}

describe('real clients', () => {
	const random = seededRandom(1414);
	const words = () =>
		Array.from({ length: 5 + Math.floor(random() * 30) }, () => `w${Math.floor(random() * 999)}`);
	const thought = () => ({
		text: words().join(' '),
		createdAt: NOW,
		visibility: 'private' as const,
		pinned: false
	});
	// A full shard written over 20 sessions (20 client ids), each adding and editing thoughts.
	const shard = new Y.Doc();
	for (let session = 0; session < 20; session++) {
		const device = copyOf(shard);
		for (let i = 0; i < 50; i++) addThought(device, newThoughtId(), thought());
		const thoughts = listThoughts(device);
		for (let i = 0; i < 100; i++) {
			const { id, text } = thoughts[Math.floor(random() * thoughts.length)];
			setThoughtText(device, id, `${text.slice(0, 10)} edit ${text.slice(10)}`);
			setPinned(device, id, random() < 0.5);
		}
		Y.applyUpdate(shard, Y.encodeStateAsUpdate(device));
	}

	const cases: [string, () => { update: Uint8Array; relay: Y.Doc }][] = [
		[
			'a 250-thought import chunk',
			() => {
				const device = copyOf(shard);
				return {
					update: changesOf(device, () =>
						device.transact(() => {
							for (let i = 0; i < 250; i++) addThought(device, newThoughtId(), thought());
						})
					),
					relay: shard
				};
			}
		],
		[
			"a 1000-thought shard's whole state (a device's first upload)",
			() => ({ update: Y.encodeStateAsUpdate(shard), relay: new Y.Doc() })
		],
		[
			'a keystroke',
			() => {
				const device = copyOf(shard);
				const { id, text } = listThoughts(device)[5];
				return {
					update: changesOf(device, () =>
						setThoughtText(device, id, `${text.slice(0, 3)}x${text.slice(3)}`)
					),
					relay: shard
				};
			}
		],
		[
			'an offline merge: two devices edited the same 300 thoughts at the same places',
			() => {
				const [a, b] = [copyOf(shard), copyOf(shard)];
				const thoughts = listThoughts(shard).slice(0, 300);
				for (const [device, tag] of [
					[a, 'aaa'],
					[b, 'bbb']
				] as const) {
					for (const { id, text } of thoughts) {
						setThoughtText(device, id, `${text.slice(0, 8)} ${tag} ${text.slice(8)} end ${tag}`);
						setPinned(device, id, tag === 'aaa');
					}
				}
				const relay = copyOf(a);
				return { update: Y.encodeStateAsUpdate(b, Y.encodeStateVector(relay)), relay };
			}
		]
	];

	// Tenfold for every limit but structs, which bound the (linear) apply time and so sit at
	// twice the largest real update, a whole shard with twenty sessions of history.
	it.each(cases)('passes %s with a margin', (_, make) => {
		const { update, relay } = make();
		expect(problemOf(update, relay, DEFAULT_GUARD_LIMITS)).toBeNull();
		const { structs } = Y.decodeUpdate(update);
		const clients = new Set(structs.map((struct) => struct.id.client)).size;
		expect(structs.length * 2).toBeLessThan(DEFAULT_GUARD_LIMITS.maxStructsPerUpdate);
		expect(clients * 10).toBeLessThan(DEFAULT_GUARD_LIMITS.maxClientsPerUpdate);
		expect(estimatedSteps(update, relay) * 10).toBeLessThan(
			DEFAULT_GUARD_LIMITS.maxIntegrationSteps
		);
	});
});

describe('crafted updates', () => {
	const relay = new Y.Doc();
	const text = relay.getText('probe');
	text.insert(0, 'a'.repeat(20_000));

	it.each([250, 1000, 1900])('refuses %i items with far right origins as too costly', (items) => {
		expect(
			shapeProblem(
				Y.decodeUpdate(expensiveUpdate(text, items)).structs,
				relay,
				DEFAULT_GUARD_LIMITS
			)
		).toBe('too costly to integrate');
	});

	it('estimates a cost that grows with the square of the item count', () => {
		const [small, large] = [250, 1000].map((items) =>
			estimatedSteps(expensiveUpdate(text, items), relay)
		);
		expect(large / small).toBeGreaterThan(12);
	});

	it('refuses items that all name one new origin (quadratic inside the update)', () => {
		const device = new Y.Doc();
		device.getText('probe').insert(0, 'x');
		const head = Y.encodeStateAsUpdate(device);
		const siblings = Array.from({ length: 400 }, (_, i) => {
			const peer = new Y.Doc();
			peer.clientID = 10_000 + i;
			Y.applyUpdate(peer, head);
			return changesOf(peer, () => peer.getText('probe').insert(1, 'y'));
		});
		const update = Y.mergeUpdates([head, ...siblings]);
		expect(problemOf(update, new Y.Doc(), DEFAULT_GUARD_LIMITS)).toBe('too costly to integrate');
	});

	it('counts the items of updates still in flight (cheap alone, costly after the first)', () => {
		const doc = new Y.Doc();
		doc.getText('probe').insert(0, 'ab');
		const { first, second } = crossingUpdates(doc.getText('probe'), 1500, 190);
		const unseen = Y.decodeUpdate(first).structs.length;
		expect(problemOf(first, doc, DEFAULT_GUARD_LIMITS)).toBeNull();
		expect(problemOf(second, doc, DEFAULT_GUARD_LIMITS)).toBeNull();
		expect(problemOf(second, doc, DEFAULT_GUARD_LIMITS, unseen)).toBe('too costly to integrate');
		Y.applyUpdate(doc, first);
		expect(problemOf(second, doc, DEFAULT_GUARD_LIMITS)).toBe('too costly to integrate');
	});

	it('checks the structs Yjs holds back with the update that releases them', () => {
		const doc = new Y.Doc();
		doc.getText('probe').insert(0, 'ab');
		const { second, head, tail } = crossingUpdates(doc.getText('probe'), 1500, 190);
		Y.applyUpdate(doc, tail);
		expect(pendingStructsOf(doc)).toHaveLength(1499);
		Y.applyUpdate(doc, second);
		// The head alone names two neighbours; with the tail it releases, the chain crosses them.
		const alone = shapeProblem(Y.decodeUpdate(head).structs, doc, DEFAULT_GUARD_LIMITS);
		expect(alone).toBeNull();
		const structs = [...pendingStructsOf(doc), ...Y.decodeUpdate(head).structs];
		expect(shapeProblem(structs, doc, DEFAULT_GUARD_LIMITS)).toBe('too costly to integrate');
	});

	it('refuses more structs or clients than the caps', () => {
		const update = expensiveUpdate(text, 50);
		expect(
			problemOf(update, relay, {
				...DEFAULT_GUARD_LIMITS,
				maxStructsPerUpdate: 49
			})
		).toBe('too many structs');
		expect(
			problemOf(update, relay, {
				...DEFAULT_GUARD_LIMITS,
				maxClientsPerUpdate: 49
			})
		).toBe('too many clients');
	});
});

describe('held-back structs', () => {
	it('count toward the walk, not toward the caps of the update that releases them', () => {
		const source = new Y.Doc();
		const text = source.getText('t');
		const updates: Uint8Array[] = [];
		source.on('update', (update: Uint8Array) => updates.push(update));
		// Thirty inserts at the front: each its own struct, each after the one before.
		for (let i = 0; i < 30; i++) text.insert(0, 'x');
		const relay = new Y.Doc();
		// Everything but the first insert: Yjs holds it back (its origin is missing).
		Y.applyUpdate(relay, Y.mergeUpdates(updates.slice(1)));
		const held = pendingStructsOf(relay);
		expect(held.length).toBeGreaterThan(10);
		const release = Y.decodeUpdate(updates[0]).structs;
		const limits = { ...DEFAULT_GUARD_LIMITS, maxStructsPerUpdate: 10 };
		expect(shapeProblem(release, relay, limits, 0, held)).toBeNull();
		expect(shapeProblem([...held, ...release], relay, limits)).toBe('too many structs');
	});
});
