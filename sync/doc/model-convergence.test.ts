import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { embedderEntry, headVersion, uploadedEmbedder } from '../../tests/fixtures/model-versions';
import { activeEmbedderId, registerModel, setActiveEmbedder } from './model-registry';
import {
	addVersion,
	aliasesOf,
	listVersions,
	MODEL_TASKS,
	ModelVersionError,
	newVersionId,
	promote,
	removeVersion,
	rollBack,
	setVersionBackend,
	versionNumber
} from './model-versions';
import { migrateRoot } from './root-doc';

/**
 * Seeded property tests: two devices start from one registry, train, upload, promote, roll back
 * and delete independently, exchange updates in any order, and must end with the same registry
 * in which every version either of them added and neither removed is kept.
 */
const SEED = 20261202;

const op = fc.oneof(
	fc.record({ kind: fc.constant('train' as const), at: fc.nat(20) }),
	fc.record({
		kind: fc.constant('upload' as const),
		at: fc.nat(20),
		model: fc.constantFrom('a', 'b')
	}),
	fc.record({ kind: fc.constant('promote' as const), pick: fc.nat() }),
	fc.record({ kind: fc.constant('rollBack' as const), task: fc.constantFrom(...MODEL_TASKS) }),
	fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
	fc.record({ kind: fc.constant('backend' as const), pick: fc.nat() }),
	fc.record({ kind: fc.constant('embedder' as const), model: fc.constantFrom('glove', 'a', 'b') })
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

interface Device {
	doc: Y.Doc;
	added: string[];
	removed: string[];
	outbox: Uint8Array[];
}

/** Applies an op as the UI would: refusals (active, no previous, unknown) change nothing. */
function apply(device: Device, o: Op): void {
	const { doc } = device;
	const versions = listVersions(doc);
	const picked = versions.length ? versions['pick' in o ? o.pick % versions.length : 0] : null;
	try {
		if (o.kind === 'train' || o.kind === 'upload') {
			const model = o.kind === 'train' ? 'tagger' : o.model;
			const id = newVersionId(model);
			addVersion(
				doc,
				o.kind === 'train' ? headVersion(id, o.at) : uploadedEmbedder(id, model, o.at)
			);
			device.added.push(id);
		} else if (o.kind === 'promote' && picked) promote(doc, picked.task, picked.id);
		else if (o.kind === 'rollBack') rollBack(doc, o.task);
		else if (o.kind === 'remove' && picked) {
			removeVersion(doc, picked.id);
			device.removed.push(picked.id);
		} else if (o.kind === 'backend' && picked) setVersionBackend(doc, picked.id, 'webgpu');
		else if (o.kind === 'embedder') setActiveEmbedder(doc, o.model);
	} catch (error) {
		if (!(error instanceof ModelVersionError)) throw error;
	}
}

function devicePair(): [Device, Device] {
	const a = new Y.Doc();
	migrateRoot(a);
	registerModel(a, embedderEntry('glove'));
	setActiveEmbedder(a, 'glove');
	addVersion(a, headVersion('tagger-start', 0));
	promote(a, 'tag', 'tagger-start');
	const b = new Y.Doc();
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
	return [a, b].map((doc) => {
		const device: Device = { doc, added: [], removed: [], outbox: [] };
		doc.on(
			'update',
			(u: Uint8Array, origin: unknown) => origin !== 'peer' && device.outbox.push(u)
		);
		return device;
	}) as [Device, Device];
}

describe('model registry convergence', () => {
	it('two devices training and promoting at once converge, with every version kept', () => {
		fc.assert(
			fc.property(
				fc.array(op, { maxLength: 30 }),
				fc.array(op, { maxLength: 30 }),
				fc.nat(),
				(opsA, opsB, split) => {
					const [a, b] = devicePair();
					const initial = listVersions(a.doc).map((x) => x.id);
					opsA.slice(0, opsA.length / 2).forEach((o) => apply(a, o));
					opsB.slice(0, opsB.length / 2).forEach((o) => apply(b, o));
					// Some of a's edits reach b mid-way; everything else crosses at the end.
					for (const u of a.outbox.splice(0, split % (a.outbox.length + 1))) {
						Y.applyUpdate(b.doc, u, 'peer');
					}
					opsA.slice(opsA.length / 2).forEach((o) => apply(a, o));
					opsB.slice(opsB.length / 2).forEach((o) => apply(b, o));
					for (const u of b.outbox) Y.applyUpdate(a.doc, u, 'peer');
					for (const u of a.outbox) Y.applyUpdate(b.doc, u, 'peer');

					const listed = listVersions(a.doc);
					expect(listVersions(b.doc)).toEqual(listed);
					const gone = new Set([...a.removed, ...b.removed]);
					const kept = [...initial, ...a.added, ...b.added].filter((id) => !gone.has(id));
					expect(listed.map((x) => x.id).sort()).toEqual([...new Set(kept)].sort());
					expect(listed.map((x) => `${x.model} ${versionNumber(a.doc, x)}`)).toEqual(
						listed.map((x) => `${x.model} ${versionNumber(b.doc, x)}`)
					);
					for (const task of MODEL_TASKS) {
						const aliases = aliasesOf(a.doc, task);
						expect(aliasesOf(b.doc, task)).toEqual(aliases);
						const active = listed.find((x) => x.id === aliases.active);
						expect(aliases.active === null || active?.task === task).toBe(true);
						if (task === 'embed' && active) expect(activeEmbedderId(a.doc)).toBe(active.model);
					}
					expect(activeEmbedderId(b.doc)).toBe(activeEmbedderId(a.doc));
				}
			),
			{ seed: SEED, numRuns: 200 }
		);
	});
});
