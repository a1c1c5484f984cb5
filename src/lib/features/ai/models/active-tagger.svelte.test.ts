import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { ActiveTagger } from './active-tagger.svelte';
import { ReplicaModels } from '$lib/replica/replica-models';
import { MemoryBlobs } from './fakes';
import type { HeadRunner, ModelVersion } from './ports';

async function setUp() {
	const registry = new ReplicaModels(new Y.Doc());
	const blobs = new MemoryBlobs();
	const sha256 = await blobs.put(Uint8Array.of(5, 6));
	const version: ModelVersion = {
		id: 'tagger.1',
		model: 'personal-tagger',
		name: 'Personal tagger',
		task: 'tag',
		format: 'head',
		source: 'trained',
		sha256,
		size: 2,
		signature: { inputs: [], outputs: [] },
		dims: [2],
		labels: ['pets', 'work'],
		embedder: 'embedder-a',
		device: 'Chrome on Linux',
		createdAt: 1
	};
	registry.addVersion(version);
	registry.setBackend(version.id, 'webgpu');
	const heads: { bytes: Uint8Array; backend?: string }[] = [];
	const runner: HeadRunner = {
		scoreTags: async (head, vectors) => {
			heads.push(head);
			return {
				scores: vectors.map(() => Float32Array.of(0.9, 0.1)),
				backend: 'wasm',
				fallback: 'No WebGPU adapter'
			};
		}
	};
	const get = vi.spyOn(blobs, 'get');
	const tagger = new ActiveTagger({ registry, blobs, runner: () => runner });
	return { registry, tagger, heads, fetches: () => get.mock.calls.length };
}

describe('ActiveTagger', () => {
	it('has nothing to say until a tag version is active', async () => {
		const { tagger } = await setUp();
		expect(await tagger.score(Float32Array.of(1, 0), 'embedder-a')).toBeNull();
	});

	it('runs the active head over a vector of its own embedder, and tells where it ran', async () => {
		const { registry, tagger, heads, fetches } = await setUp();
		registry.promote('tag', 'tagger.1');
		const scored = await tagger.score(Float32Array.of(1, 0), 'embedder-a');
		expect(scored?.labels).toEqual(['pets', 'work']);
		expect(Array.from(scored!.scores)).toEqual([Float32Array.of(0.9)[0], Float32Array.of(0.1)[0]]);
		expect(heads[0]).toMatchObject({ bytes: Uint8Array.of(5, 6), backend: 'webgpu' });
		expect(tagger.lastRuns['tagger.1']).toEqual({ backend: 'wasm', fallback: 'No WebGPU adapter' });
		await tagger.score(Float32Array.of(0, 1), 'embedder-a');
		expect(fetches()).toBe(1);
	});

	it('gives way to the neighbour vote for vectors of another embedder', async () => {
		const { registry, tagger, heads } = await setUp();
		registry.promote('tag', 'tagger.1');
		expect(await tagger.score(Float32Array.of(1, 0, 0), 'embedder-b')).toBeNull();
		expect(heads).toEqual([]);
	});
});
