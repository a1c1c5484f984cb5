import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { embedderEntry, headVersion, uploadedEmbedder } from '../../tests/fixtures/model-versions';
import { activeEmbedderId, registerModel, setActiveEmbedder } from './model-registry';
import {
	activeEmbedderModel,
	addVersion,
	aliasesOf,
	getVersion,
	listVersions,
	ModelVersionError,
	newVersionId,
	observeVersions,
	promote,
	removeVersion,
	rollBack,
	setVersionBackend,
	versionNumber
} from './model-versions';

const head = headVersion;
const embedder = embedderEntry;

const codeOf = (run: () => void) => {
	try {
		run();
	} catch (error) {
		if (error instanceof ModelVersionError) return error.code;
		throw error;
	}
	return null;
};

describe('model versions', () => {
	it('adds, lists oldest first and refuses an id that exists or a version that does not validate', () => {
		const doc = new Y.Doc();
		addVersion(doc, head('tagger-b', 2));
		addVersion(doc, head('tagger-a', 1));
		expect(listVersions(doc).map((x) => x.id)).toEqual(['tagger-a', 'tagger-b']);
		expect(getVersion(doc, 'tagger-a')).toEqual(head('tagger-a', 1));
		expect(codeOf(() => addVersion(doc, head('tagger-a', 9)))).toBe('exists');
		expect(codeOf(() => addVersion(doc, head('Bad id', 3)))).toBe('invalid');
		expect(codeOf(() => addVersion(doc, head('no-labels', 3, { labels: undefined })))).toBe(
			'invalid'
		);
		expect(listVersions(doc, { task: 'embed' })).toEqual([]);
	});

	it('numbers versions within their model by creation time, then id', () => {
		const doc = new Y.Doc();
		for (const [id, at] of [
			['t-c', 5],
			['t-b', 5],
			['t-a', 9]
		] as const)
			addVersion(doc, head(id, at));
		addVersion(doc, head('other-1', 1, { model: 'other' }));
		const numbers = listVersions(doc).map((x) => [x.id, versionNumber(doc, x)]);
		expect(numbers).toEqual([
			['other-1', 1],
			['t-b', 1],
			['t-c', 2],
			['t-a', 3]
		]);
		// Removing one leaves every other number as it was, and a later version counts it.
		removeVersion(doc, 't-b');
		addVersion(doc, head('t-d', 10));
		expect(
			listVersions(doc, { model: 'tagger' }).map((x) => [x.id, versionNumber(doc, x)])
		).toEqual([
			['t-c', 2],
			['t-a', 3],
			['t-d', 4]
		]);
	});

	it('mints valid, distinct ids from the model id, and refuses a bad model id', () => {
		const long = 'm'.repeat(64);
		const ids = new Set(Array.from({ length: 200 }, () => newVersionId(long)));
		expect(ids.size).toBe(200);
		for (const id of ids) addVersion(new Y.Doc(), head(id, 0, { model: long }));
		expect(codeOf(() => newVersionId('Not/A/Model'))).toBe('invalid');
	});

	it('promotes in one step (the active becomes previous) and rolls back and forth', () => {
		const doc = new Y.Doc();
		addVersion(doc, head('t-1', 1));
		addVersion(doc, head('t-2', 2));
		expect(aliasesOf(doc, 'tag')).toEqual({ active: null, previous: null });
		expect(codeOf(() => rollBack(doc, 'tag'))).toBe('no-previous');
		promote(doc, 'tag', 't-1');
		let updates = 0;
		doc.on('update', () => updates++);
		promote(doc, 'tag', 't-1');
		expect(updates).toBe(0);
		promote(doc, 'tag', 't-2');
		expect(updates).toBe(1);
		expect(aliasesOf(doc, 'tag')).toEqual({ active: 't-2', previous: 't-1' });
		rollBack(doc, 'tag');
		expect(aliasesOf(doc, 'tag')).toEqual({ active: 't-1', previous: 't-2' });
		rollBack(doc, 'tag');
		expect(aliasesOf(doc, 'tag')).toEqual({ active: 't-2', previous: 't-1' });
		expect(codeOf(() => promote(doc, 'tag', 'missing'))).toBe('unknown');
		expect(codeOf(() => promote(doc, 'embed', 't-1'))).toBe('wrong-task');
	});

	it('removes any version but the active one, and its preferred backend with it', () => {
		const doc = new Y.Doc();
		addVersion(doc, head('t-1', 1));
		addVersion(doc, head('t-2', 2));
		promote(doc, 'tag', 't-1');
		promote(doc, 'tag', 't-2');
		expect(codeOf(() => removeVersion(doc, 't-2'))).toBe('active');
		setVersionBackend(doc, 't-1', 'webgpu');
		expect(getVersion(doc, 't-1')?.backend).toBe('webgpu');
		removeVersion(doc, 't-1');
		expect(aliasesOf(doc, 'tag')).toEqual({ active: 't-2', previous: null });
		expect(codeOf(() => rollBack(doc, 'tag'))).toBe('no-previous');
		removeVersion(doc, 't-1');
		expect(doc.getMap('modelBackends').size).toBe(0);
		expect(listVersions(doc).map((x) => x.id)).toEqual(['t-2']);
		expect(codeOf(() => setVersionBackend(doc, 't-1', 'wasm'))).toBe('unknown');
	});

	it('keeps the embed alias and the active embedder together, whichever is moved', () => {
		const doc = new Y.Doc();
		registerModel(doc, embedder('glove'));
		registerModel(doc, embedder('minilm', { kind: 'transformers', source: 'hub', addedAt: 5 }));
		const [glove, minilm] = listVersions(doc, { task: 'embed' });
		setActiveEmbedder(doc, 'glove');
		expect(aliasesOf(doc, 'embed')).toEqual({ active: glove.id, previous: null });
		promote(doc, 'embed', minilm.id);
		expect(activeEmbedderId(doc)).toBe('minilm');
		// What a build from before versions reads.
		expect(activeEmbedderModel(doc)).toBe('minilm');
		rollBack(doc, 'embed');
		expect(activeEmbedderId(doc)).toBe('glove');
		setActiveEmbedder(doc, 'minilm');
		expect(aliasesOf(doc, 'embed')).toEqual({ active: minilm.id, previous: glove.id });
		expect(codeOf(() => removeVersion(doc, minilm.id))).toBe('active');
		expect(codeOf(() => removeVersion(doc, glove.id))).toBe('builtin');
		// A device from before versions moves only the active embedder: the alias follows on read.
		doc.getMap('ai').set('activeEmbedder', 'glove');
		expect(aliasesOf(doc, 'embed')).toEqual({ active: glove.id, previous: minilm.id });
		expect(codeOf(() => setActiveEmbedder(doc, 'nope'))).toBe('unknown');
	});

	it('an uploaded embedder with no entry can be the active one', () => {
		const doc = new Y.Doc();
		addVersion(doc, uploadedEmbedder('mine-1', 'mine', 3));
		promote(doc, 'embed', 'mine-1');
		expect(activeEmbedderId(doc)).toBe('mine');
		expect(aliasesOf(doc, 'embed').active).toBe('mine-1');
	});

	it('ignores what a peer wrote that does not validate', () => {
		const doc = new Y.Doc();
		addVersion(doc, head('t-1', 1));
		const versions = doc.getMap('modelVersions');
		versions.set('t-2', head('t-3', 2));
		versions.set('t-4', { ...head('t-4', 2), format: 'static' });
		versions.set('t-5', { ...head('t-5', 2), sha256: 'not hex' });
		versions.set('t-6', { ...head('t-6', 2), createdAt: Number.NaN });
		versions.set('t-7', 'a string');
		addVersion(doc, head('t-4', 3));
		doc.getMap('modelAliases').set('tag', { active: 't-5', previous: 't-1' });
		expect(aliasesOf(doc, 'tag')).toEqual({ active: null, previous: 't-1' });
		doc.getMap('modelAliases').set('tag', { active: 't-1', previous: 't-1' });
		expect(aliasesOf(doc, 'tag')).toEqual({ active: 't-1', previous: null });
		doc.getMap('modelAliases').set('embed', { active: 't-1', previous: null });
		doc.getMap('modelBackends').set('t-1', 'gpu');
		doc.getMap('ai').set('activeEmbedder', '../x');
		expect(listVersions(doc).map((x) => [x.id, x.createdAt, x.backend])).toEqual([
			['t-1', 1, undefined],
			['t-4', 3, undefined]
		]);
		expect(aliasesOf(doc, 'embed')).toEqual({ active: null, previous: null });
		removeVersion(doc, 't-7');
		expect(versions.has('t-7')).toBe(true);
	});

	it('tells each change once per transaction, from here or a peer, until stopped', () => {
		const doc = new Y.Doc();
		const peer = new Y.Doc();
		let changes = 0;
		const stop = observeVersions(doc, () => changes++);
		addVersion(doc, head('t-1', 1));
		promote(doc, 'tag', 't-1');
		registerModel(doc, embedder('glove'));
		setActiveEmbedder(doc, 'glove');
		expect(changes).toBe(4);
		addVersion(peer, head('t-2', 2));
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(peer));
		expect(changes).toBe(5);
		doc.getMap('shards').set('1', 1);
		stop();
		promote(doc, 'tag', 't-2');
		expect(changes).toBe(5);
	});
});
