import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { embedderEntry } from '../../tests/fixtures/model-versions';
import { MAX_SHARD } from '../doc-names';
import { activeEmbedderId, listModels, setActiveEmbedder } from './model-registry';
import { aliasesOf, listVersions } from './model-versions';
import { addShard, migrateRoot, openShardNumber, ROOT_MIGRATIONS, shardNumbers } from './root-doc';

describe('root doc shard list', () => {
	it('ignores a stray shard number past the cap, so new thoughts never go where the relay refuses', () => {
		const doc = new Y.Doc();
		addShard(doc, 0);
		addShard(doc, 1);
		// As a bug, a peer or an older build (whose cap was a million) could have written it.
		doc.getMap('shards').set(String(MAX_SHARD + 1), Date.now());
		expect(shardNumbers(doc)).toEqual([0, 1]);
		expect(openShardNumber(doc)).toBe(1);
	});

	it('refuses to open a shard past the cap', () => {
		const doc = new Y.Doc();
		expect(() => addShard(doc, MAX_SHARD + 1)).toThrow(RangeError);
		addShard(doc, MAX_SHARD);
		expect(openShardNumber(doc)).toBe(MAX_SHARD);
	});
});

/** What a build from before versions wrote: entries and the active embedder, at root schema 1. */
function rootFromV1(): Y.Doc {
	const doc = new Y.Doc();
	doc.getMap('meta').set('schemaVersion', 1);
	doc.getMap('shards').set('0', 0);
	const models = doc.getMap('models');
	models.set('glove-sif-50k', embedderEntry('glove-sif-50k', { version: '1.0.0' }));
	models.set('xenova-all-minilm-l6-v2', MINILM);
	models.set('junk', { id: 'junk', dims: 'many' });
	doc.getMap('ai').set('activeEmbedder', MINILM.id);
	return doc;
}

const MINILM = embedderEntry('xenova-all-minilm-l6-v2', {
	kind: 'transformers',
	source: 'hub',
	dims: 384,
	location: 'Xenova/all-MiniLM-L6-v2',
	addedAt: 1700
});

describe('root schema 2: the model registry gets versions', () => {
	it('turns each entry into a version and the active embedder into the embed alias', () => {
		const doc = rootFromV1();
		const entries = listModels(doc);
		expect(migrateRoot(doc)).toEqual({ status: 'migrated', from: 1, version: 2 });
		const versions = listVersions(doc);
		expect(versions.map((x) => [x.model, x.task, x.format, x.source, x.dims, x.createdAt])).toEqual(
			[
				['glove-sif-50k', 'embed', 'static', 'builtin', [100], 0],
				[MINILM.id, 'embed', 'transformers', 'hub', [384], 1700]
			]
		);
		expect(versions.every((x) => x.sha256 === null && x.id.startsWith(`${x.model}-`))).toBe(true);
		expect(aliasesOf(doc, 'embed')).toEqual({ active: versions[1].id, previous: null });
		expect(activeEmbedderId(doc)).toBe(MINILM.id);
		// Builds from before versions still read the entries and the active embedder.
		expect(listModels(doc)).toEqual(entries);
		expect(shardNumbers(doc)).toEqual([0]);
	});

	it('is idempotent: a second run, or the step repeated after a crash, writes nothing', () => {
		const doc = rootFromV1();
		migrateRoot(doc);
		const before = Y.encodeStateAsUpdate(doc);
		expect(migrateRoot(doc)).toEqual({ status: 'current', version: 2 });
		ROOT_MIGRATIONS.find((step) => step.to === 2)!.up(doc);
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('two devices migrating at once converge on the same versions, and keep a choice made meanwhile', () => {
		const a = rootFromV1();
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		migrateRoot(a);
		setActiveEmbedder(a, 'glove-sif-50k');
		migrateRoot(b);
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		expect(listVersions(a)).toHaveLength(2);
		expect(listVersions(b)).toEqual(listVersions(a));
		expect(a.getMap('modelVersions').toJSON()).toEqual(b.getMap('modelVersions').toJSON());
		for (const doc of [a, b]) {
			expect(activeEmbedderId(doc)).toBe('glove-sif-50k');
			expect(aliasesOf(doc, 'embed').previous).toBe(listVersions(doc)[1].id);
		}
	});

	it('migrates an unversioned root through every step', () => {
		const doc = new Y.Doc();
		expect(migrateRoot(doc)).toEqual({ status: 'migrated', from: 0, version: 2 });
		expect(shardNumbers(doc)).toEqual([0]);
		expect(listVersions(doc)).toEqual([]);
		expect(aliasesOf(doc, 'embed')).toEqual({ active: null, previous: null });
	});
});
