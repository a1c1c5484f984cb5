import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	badModels,
	EMBEDDER_DIMS,
	LABELS,
	tinyEmbedderFiles
} from '../../../../../tests/fixtures/bad-models';
import { buildHead } from '../../../../../tests/fixtures/onnx-builder';
import { deviceProbe } from '$lib/ai/model-probe';
import { ReplicaModels } from '$lib/replica/replica-models';
import { validateModel } from '$sync/ai/model-check';
import { AddModel, type UploadedFile } from './add-model.svelte';
import { MemoryBlobs } from './fakes';
import { modelValidator } from './model-validator';

beforeAll(async () => {
	// The embedder's sample run reads its files from memory: nothing is cached on disk.
	const { env } = await import('@huggingface/transformers');
	env.useFSCache = false;
});

function setUp() {
	const registry = new ReplicaModels(new Y.Doc());
	const blobs = new MemoryBlobs();
	const probe = deviceProbe(ort, 'cpu');
	const adding = new AddModel({
		registry,
		blobs,
		validator: modelValidator((upload) => validateModel(upload, probe)),
		activeEmbedder: () => ({ id: 'embedder-a', dims: EMBEDDER_DIMS }),
		device: () => 'Node'
	});
	return { registry, blobs, adding };
}

const labelsFile = (labels: string[]): UploadedFile => ({
	path: 'labels.json',
	bytes: new TextEncoder().encode(JSON.stringify(labels))
});

describe('Add model, with the real checks and sample run', () => {
	it('adds a head that passes every check, with the signature the checks read', async () => {
		const { registry, adding } = setUp();
		const onnx = { path: 'head.onnx', bytes: buildHead({ dims: EMBEDDER_DIMS, labels: 3 }) };
		const version = await adding.add({ task: 'tag', files: [onnx], labels: labelsFile(LABELS) });
		expect(adding.error).toBeNull();
		expect(version?.signature.inputs[0].dims.at(-1)).toBe(EMBEDDER_DIMS);
		expect(version?.signature.outputs[0].dims.at(-1)).toBe(LABELS.length);
		expect(registry.getVersion(version!.id)).toEqual(version);
	});

	it('adds an embedder folder, every file kept by sha256', async () => {
		const { registry, blobs, adding } = setUp();
		const version = await adding.add({ task: 'embed', files: tinyEmbedderFiles('tiny') });
		expect(adding.error).toBeNull();
		expect(version?.model).toBe('user-tiny');
		expect(version?.dims).toEqual([16]);
		// What transformers.js reads: the ONNX file it would pick and the tokenizer files.
		expect(Object.keys(version!.files!).sort()).toEqual([
			'config.json',
			'onnx/model_quantized.onnx',
			'tokenizer.json',
			'tokenizer_config.json'
		]);
		expect(version!.sha256).toBe(version!.files!['onnx/model_quantized.onnx']);
		expect(blobs.bytes.size).toBe(4);
		expect(registry.listVersions({ task: 'embed' })).toHaveLength(1);
	});

	// The sample runs that must time out take the probe's full timeout: the validator's own tests
	// run those. Every other bad model must be refused by the check named, with nothing stored.
	const bad = badModels().filter((model) => model.check !== 'probe' && !model.limits);
	it.each(bad.map((model) => [model.name, model] as const))(
		'refuses %s, naming the check',
		async (_, model) => {
			const { registry, blobs, adding } = setUp();
			const upload = model.upload;
			const form =
				upload.task === 'tag'
					? {
							task: 'tag' as const,
							files: [{ path: 'head.onnx', bytes: upload.onnx }],
							labels: upload.labels ? labelsFile(upload.labels) : undefined
						}
					: { task: 'embed' as const, files: 'files' in upload ? upload.files : [] };
			expect(await adding.add(form)).toBeNull();
			if (upload.task !== 'tag' || upload.labels) expect(adding.error?.check).toBe(model.check);
			expect(adding.error?.message).toBeTruthy();
			expect(blobs.bytes.size).toBe(0);
			expect(registry.listVersions()).toEqual([]);
		}
	);
});
