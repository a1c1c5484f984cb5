import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { headVersion } from '../../../tests/fixtures/model-versions';
import { migrateRoot } from '$sync/doc/root-doc';
import type { ModelEntry } from '$sync/doc/model-registry';
import type { UserId } from '$sync/ids';
import { Replica } from './replica';
import { ReplicaModels } from './replica-models';
import { SchemaGuard } from './schema-guard';

const entry = (id: string, addedAt: number): ModelEntry => ({
	id,
	name: `Model ${id}`,
	version: '1',
	kind: 'static',
	source: 'user',
	dims: 8,
	location: `/models/${id}/`,
	addedAt
});

let counter = 0;
const open: Replica[] = [];
async function fresh(user = `models${++counter}` as UserId): Promise<Replica> {
	const replica = await Replica.open(user);
	open.push(replica);
	return replica;
}

afterEach(async () => {
	for (const replica of open.splice(0)) await replica.close();
});

describe('replica.models', () => {
	it('lists what was registered, oldest first, and tells each change', async () => {
		const { models } = await fresh();
		let changes = 0;
		const stop = models.onChanged(() => changes++);
		models.register(entry('b', 2));
		models.register(entry('a', 1));
		expect(models.list().map((m) => m.id)).toEqual(['a', 'b']);
		expect(changes).toBe(2);
		models.register(entry('a', 1));
		expect(changes).toBe(2);
		stop();
		models.register({ ...entry('a', 1), version: '2' });
		expect(changes).toBe(2);
		expect(models.list().find((m) => m.id === 'a')?.version).toBe('2');
	});

	it('sets the active embedder only to a registered model', async () => {
		const { models } = await fresh();
		expect(models.activeEmbedderId).toBeNull();
		expect(() => models.setActiveEmbedder('missing')).toThrow();
		models.register(entry('mine', 1));
		models.setActiveEmbedder('mine');
		expect(models.activeEmbedderId).toBe('mine');
	});

	it('keeps the registry in the root doc across a reopen', async () => {
		const user = 'models-reopen' as UserId;
		const first = await Replica.open(user);
		first.models.register(entry('kept', 1));
		first.models.setActiveEmbedder('kept');
		await first.close();
		const second = await fresh(user);
		expect(second.models.list().map((m) => m.id)).toEqual(['kept']);
		expect(second.models.activeEmbedderId).toBe('kept');
	});

	it('keeps versions, aliases and backends in the root doc across a reopen', async () => {
		const user = 'models-versions' as UserId;
		const first = await Replica.open(user);
		const [one, two] = [1, 2].map((at) => headVersion(first.models.newVersionId('tagger'), at));
		first.models.addVersion(one);
		first.models.addVersion(two);
		first.models.promote('tag', one.id);
		first.models.promote('tag', two.id);
		first.models.setBackend(one.id, 'webgpu');
		await first.close();
		const { models } = await fresh(user);
		expect(models.listVersions({ task: 'tag' }).map((x) => x.id)).toEqual([one.id, two.id]);
		expect(models.getVersion(one.id)?.backend).toBe('webgpu');
		expect(models.versionNumber(two)).toBe(2);
		expect(models.aliasesOf('tag')).toEqual({ active: two.id, previous: one.id });
		models.rollBack('tag');
		models.removeVersion(two.id);
		expect(models.aliasesOf('tag')).toEqual({ active: one.id, previous: null });
	});

	it('an activated embedder is the embed alias too', async () => {
		const { models } = await fresh();
		models.register(entry('first', 1));
		models.register(entry('second', 2));
		models.setActiveEmbedder('first');
		models.setActiveEmbedder('second');
		const [first, second] = models.listVersions({ task: 'embed' });
		expect(models.aliasesOf('embed')).toEqual({ active: second.id, previous: first.id });
		models.rollBack('embed');
		expect(models.activeEmbedderId).toBe('first');
	});

	it('refuses every write to a root a newer app version wrote', () => {
		const root = new Y.Doc();
		const guard = new SchemaGuard();
		const models = new ReplicaModels(root, guard);
		models.addVersion(headVersion('tagger-1', 1));
		root.getMap('meta').set('schemaVersion', 99);
		guard.check(migrateRoot(root));
		const before = Y.encodeStateAsUpdate(root);
		const writes = [
			() => models.addVersion(headVersion('tagger-2', 2)),
			() => models.promote('tag', 'tagger-1'),
			() => models.setBackend('tagger-1', 'wasm'),
			() => models.removeVersion('tagger-1'),
			() => models.register(entry('late', 3))
		];
		for (const write of writes) expect(write).toThrow(/newer version/);
		expect(Y.encodeStateAsUpdate(root)).toEqual(before);
		expect(models.listVersions().map((x) => x.id)).toEqual(['tagger-1']);
	});
});
