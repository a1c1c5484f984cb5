import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AddModel, modelIdFor, type ModelValidator, type UploadedFile } from './add-model.svelte';
import { ReplicaModels } from '$lib/replica/replica-models';
import { MemoryBlobs } from './fakes';

/** The validator's error shape: the check that failed and why. */
class CheckError extends Error {
	constructor(
		readonly check: string,
		message: string
	) {
		super(message);
	}
}

const signature = {
	inputs: [{ name: 'embeddings', type: 'float32', dims: ['batch', 4] }],
	outputs: [{ name: 'scores', type: 'float32', dims: ['batch', 2] }]
};

const validator: ModelValidator = {
	parseLabels: (text) => text.split('\n').filter(Boolean),
	checkHead: async (onnx, labels, dims) => {
		if (onnx[0] === 0xff) throw new CheckError('operators', 'Unsupported operators: MyOp');
		if (labels.length !== 2) throw new CheckError('labels', '2 scores, 3 labels');
		return { signature, dims: [dims] };
	},
	checkEmbedder: async (files) => {
		const onnx = files.find((file) => file.path.endsWith('.onnx'));
		if (!onnx) throw new CheckError('archive', 'No ONNX file in the folder');
		return {
			signature,
			dims: [8],
			onnxPath: onnx.path.split('/').slice(1).join('/'),
			files: Object.fromEntries(files.map((f) => [f.path.split('/').slice(1).join('/'), f.bytes]))
		};
	}
};

const file = (path: string, ...bytes: number[]): UploadedFile => ({
	path,
	bytes: Uint8Array.from(bytes)
});
const labels = (text: string) => ({ path: 'labels.txt', bytes: new TextEncoder().encode(text) });

function setUp() {
	const registry = new ReplicaModels(new Y.Doc());
	const blobs = new MemoryBlobs();
	const adding = new AddModel({
		registry,
		blobs,
		validator,
		activeEmbedder: () => ({ id: 'embedder-a', dims: 4 }),
		device: () => 'Firefox on Linux'
	});
	return { registry, blobs, adding };
}

describe('AddModel', () => {
	it('stores a checked head and adds it as a candidate over the active embedder', async () => {
		const { registry, blobs, adding } = setUp();
		const version = await adding.add({
			task: 'tag',
			files: [file('My Head.onnx', 1, 2, 3)],
			labels: labels('pets\nwork\n')
		});
		expect(version).toMatchObject({
			model: 'user-my-head',
			task: 'tag',
			format: 'head',
			source: 'user',
			labels: ['pets', 'work'],
			embedder: 'embedder-a',
			dims: [4],
			size: 3
		});
		expect(await blobs.get(version!.sha256!)).toEqual(Uint8Array.of(1, 2, 3));
		expect(registry.listVersions()).toEqual([version]);
		expect(registry.aliasesOf('tag').active).toBeNull();
		expect(adding.error).toBeNull();
	});

	it('names the failed check and stores nothing', async () => {
		const { registry, blobs, adding } = setUp();
		const bad = { task: 'tag' as const, files: [file('bad.onnx', 0xff)], labels: labels('a\nb') };
		expect(await adding.add(bad)).toBeNull();
		expect(adding.error).toEqual({ check: 'operators', message: 'Unsupported operators: MyOp' });
		const wrong = { task: 'tag' as const, files: [file('h.onnx', 1)], labels: labels('a\nb\nc') };
		expect(await adding.add(wrong)).toBeNull();
		expect(adding.error?.check).toBe('labels');
		expect(await adding.add({ task: 'tag', files: [file('h.onnx', 1)] })).toBeNull();
		expect(adding.error?.check).toBeNull();
		expect(blobs.bytes.size).toBe(0);
		expect(registry.listVersions()).toEqual([]);
		expect(adding.isChecking).toBe(false);
	});

	it('stores every file of an embedder folder, the ONNX one as its main artifact', async () => {
		const { blobs, adding } = setUp();
		const version = await adding.add({
			task: 'embed',
			files: [file('mini/onnx/model.onnx', 1), file('mini/tokenizer.json', 2)]
		});
		expect(version).toMatchObject({
			model: 'user-mini',
			format: 'transformers',
			dims: [8],
			size: 2
		});
		expect(Object.keys(version!.files!)).toEqual(['onnx/model.onnx', 'tokenizer.json']);
		expect(version!.sha256).toBe(version!.files!['onnx/model.onnx']);
		expect(blobs.bytes.size).toBe(2);
	});

	it('names a model after the picked file or folder', () => {
		expect(modelIdFor([file('Tagger (v2).onnx')])).toBe('user-tagger-v2');
		expect(modelIdFor([file('e5-small.zip')])).toBe('user-e5-small');
		expect(modelIdFor([])).toBe('user-model');
	});
});
