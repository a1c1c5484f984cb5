import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BUILTIN_EMBEDDER } from '$lib/ai/models';
import { ReplicaModels } from '$lib/replica/replica-models';
import { MemoryBlobs, metrics } from './fakes';
import { ModelVersions, VersionError } from './model-versions.svelte';
import type { ModelVersion } from './ports';

function head(
	id: string,
	createdAt: number,
	sha256: string,
	dataset: string,
	embedder = 'embedder-a'
): ModelVersion {
	return {
		id,
		model: 'personal-tagger',
		name: 'Personal tagger',
		task: 'tag',
		format: 'head',
		source: 'trained',
		sha256,
		size: 3,
		signature: { inputs: [], outputs: [] },
		dims: [4],
		labels: ['pets'],
		embedder,
		dataset: {
			digest: 'd'.repeat(64),
			sha256: dataset,
			examples: 10,
			train: 8,
			heldOut: 2,
			labels: ['pets'],
			skipped: []
		},
		metrics: { heldOut: metrics(0.8), baseline: metrics(0.5), active: null },
		device: 'Chrome on Android',
		createdAt
	};
}

async function setUp() {
	const registry = new ReplicaModels(new Y.Doc());
	const blobs = new MemoryBlobs();
	const a = await blobs.put(Uint8Array.of(1));
	const b = await blobs.put(Uint8Array.of(2));
	const dataset = await blobs.put(Uint8Array.of(9));
	registry.addVersion(head('tagger.1', 1, a, dataset));
	registry.addVersion(head('tagger.2', 2, b, dataset, 'embedder-b'));
	const versions = new ModelVersions({ registry, blobs, activeEmbedder: () => 'embedder-a' });
	return { registry, blobs, versions, a, b, dataset };
}

const badges = (versions: ModelVersions) =>
	versions.models[0].versions.map((item) => [item.number, item.isActive, item.isPrevious]);

describe('ModelVersions', () => {
	it('lists each model with its numbered versions, newest first, and marks stale heads', async () => {
		const { versions } = await setUp();
		expect(versions.models).toHaveLength(1);
		const [newest, oldest] = versions.models[0].versions;
		expect([newest.number, newest.isStale]).toEqual([2, true]);
		expect([oldest.number, oldest.isStale]).toEqual([1, false]);
	});

	it('moves the Active and Previous badges on promote and roll back, from any device', async () => {
		const { registry, versions } = await setUp();
		expect(versions.canRollBack('tag')).toBe(false);
		expect(() => versions.rollBack('tag')).toThrow(VersionError);
		versions.promote(registry.getVersion('tagger.1')!);
		versions.promote(registry.getVersion('tagger.2')!);
		expect(badges(versions)).toEqual([
			[2, true, false],
			[1, false, true]
		]);
		versions.rollBack('tag');
		expect(badges(versions)).toEqual([
			[2, false, true],
			[1, true, false]
		]);
	});

	it('exports the ONNX bytes under a name with the version number', async () => {
		const { registry, versions } = await setUp();
		const file = await versions.exportFile(registry.getVersion('tagger.2')!);
		expect(file).toEqual({ name: 'personal-tagger-v2.onnx', bytes: Uint8Array.of(2) });
	});

	it('exports the data set snapshot a version was trained on', async () => {
		const { registry, versions } = await setUp();
		const file = await versions.exportDataset(registry.getVersion('tagger.1')!);
		expect(file).toEqual({ name: 'personal-tagger-v1-dataset.json', bytes: Uint8Array.of(9) });
	});

	it('deletes a version and frees only the bytes no other version references', async () => {
		const { registry, blobs, versions, a, b, dataset } = await setUp();
		await versions.remove(registry.getVersion('tagger.2')!);
		expect(versions.models[0].versions.map((item) => item.version.id)).toEqual(['tagger.1']);
		expect(blobs.bytes.has(b)).toBe(false);
		expect(blobs.bytes.has(a)).toBe(true);
		// tagger.1 was trained on the same data set: its snapshot stays.
		expect(blobs.bytes.has(dataset)).toBe(true);
	});

	it('never deletes the active version', async () => {
		const { registry, blobs, versions, a } = await setUp();
		versions.promote(registry.getVersion('tagger.1')!);
		await expect(versions.remove(registry.getVersion('tagger.1')!)).rejects.toMatchObject({
			code: 'active'
		});
		expect(registry.getVersion('tagger.1')).not.toBeNull();
		expect(blobs.bytes.has(a)).toBe(true);
	});

	it('shows the embedder search uses as active before anyone has picked one', async () => {
		const registry = new ReplicaModels(new Y.Doc());
		registry.register({ ...BUILTIN_EMBEDDER });
		const versions = new ModelVersions({
			registry,
			blobs: new MemoryBlobs(),
			activeEmbedder: () => BUILTIN_EMBEDDER.id
		});
		expect(registry.aliasesOf('embed').active).toBeNull();
		expect(versions.models[0].versions[0].isActive).toBe(true);
	});

	it('stores the backend chosen for a version', async () => {
		const { registry, versions } = await setUp();
		versions.setBackend(registry.getVersion('tagger.1')!, 'webgpu');
		expect(registry.getVersion('tagger.1')?.backend).toBe('webgpu');
	});
});
