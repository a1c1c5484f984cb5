import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	activeEmbedderId,
	getModel,
	listModels,
	registerModel,
	setActiveEmbedder,
	type ModelEntry
} from './model-registry';
import { listVersions } from './model-versions';

const builtin: ModelEntry = {
	id: 'glove-sif-50k',
	name: 'Built-in (GloVe, 50k words)',
	version: '1.0.0',
	kind: 'static',
	source: 'builtin',
	dims: 100,
	location: '/models/glove-sif-50k/',
	addedAt: 0
};

describe('model registry', () => {
	it('registers, updates and activates models', () => {
		const doc = new Y.Doc();
		registerModel(doc, builtin);
		expect(listModels(doc)).toEqual([builtin]);
		expect(activeEmbedderId(doc)).toBeNull();
		setActiveEmbedder(doc, builtin.id);
		expect(activeEmbedderId(doc)).toBe(builtin.id);
		registerModel(doc, { ...builtin, version: '1.1.0' });
		expect(getModel(doc, builtin.id)?.version).toBe('1.1.0');
		expect(() => setActiveEmbedder(doc, 'nope')).toThrow();
	});

	it('does not write when nothing changed (no growth on every start)', () => {
		const doc = new Y.Doc();
		registerModel(doc, builtin);
		const before = Y.encodeStateAsUpdate(doc);
		registerModel(doc, { ...builtin });
		expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
	});

	it('ignores malformed entries from peers', () => {
		const doc = new Y.Doc();
		doc.getMap('models').set('bad', { id: 'bad', dims: 'many' });
		doc.getMap('ai').set('activeEmbedder', 'bad');
		expect(listModels(doc)).toEqual([]);
		expect(activeEmbedderId(doc)).toBeNull();
	});

	it('merges models added on two devices', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		registerModel(a, builtin);
		registerModel(b, {
			...builtin,
			id: 'minilm',
			kind: 'transformers',
			source: 'hub',
			dims: 384,
			addedAt: 5
		});
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		expect(listModels(a).map((m) => m.id)).toEqual(['glove-sif-50k', 'minilm']);
		expect(listModels(b)).toEqual(listModels(a));
	});

	it('gives each entry a version whose id two devices derive alike', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		registerModel(a, builtin);
		registerModel(b, { ...builtin });
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		expect(listVersions(a)).toHaveLength(1);
		expect(listVersions(a)[0]).toMatchObject({ model: builtin.id, format: 'static', dims: [100] });
		registerModel(a, { ...builtin, version: '1.1.0' });
		const ids = listVersions(a).map((x) => x.id);
		expect(new Set(ids).size).toBe(2);
		expect(ids.every((id) => id.startsWith(`${builtin.id}-`))).toBe(true);
	});
});
