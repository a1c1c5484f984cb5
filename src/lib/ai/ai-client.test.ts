import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModelCheckError } from '$sync/ai/model-check-error';
import { padBatch, tokenize, parseVocabulary } from '$sync/ai/tokenizer';
import { buildHeadOnnx } from '../../../models/head-onnx';
import { embedIds, type StaticTable } from '../../../models/static-embedder';
import { buildStaticEmbedderOnnx } from '../../../models/static-onnx';
import type { ModelVersion } from '$sync/doc/model-versions';
import { InProcessWorker } from '../../../tests/fixtures/in-process-worker';
import { throwingHead } from '../../../tests/fixtures/misbehaving-heads';
import { headVersion, uploadedEmbedder } from '../../../tests/fixtures/model-versions';
import { nodeRuntimes } from '../../../tests/fixtures/node-runtimes';
import { AiClient, type AiClientOptions } from './ai-client';
import { serveAiJobs, type JobDeps } from './ai-jobs';
import type { InferenceRecord } from './inference-record';
import type { ModelFiles, ModelRef } from './protocol';
import { scoreHead } from './training/score-head';
import { uploadedModelRef } from './version-ref';

const head = {
	dims: 3,
	labels: ['cats', 'work', 'food'],
	weights: Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1),
	bias: Float32Array.of(-0.5, -0.5, -0.5)
};
const headRef = { versionId: 'tagger.1', bytes: buildHeadOnnx(head), labels: head.labels };

const table: StaticTable = {
	dims: 2,
	values: Int8Array.of(0, 0, 100, 0, 0, 100, 50, 50),
	scales: Float32Array.of(0, 0.01, 0.01, 0.02)
};
const vocab = 'cat\nwork\nlunch';
const version: ModelVersion = {
	...uploadedEmbedder('my-words.1', 'my-words', 1),
	format: 'static',
	sha256: 'a'.repeat(64),
	files: { 'vocab.txt': 'b'.repeat(64) }
};
const userModel = uploadedModelRef(version)!;
/** The device blob store, by sha256. */
const blobs = (): Record<string, Uint8Array> => ({
	['a'.repeat(64)]: buildStaticEmbedderOnnx(table),
	['b'.repeat(64)]: new TextEncoder().encode(vocab)
});
const userFiles = (ref: ModelRef): ModelFiles => {
	const stored = blobs();
	return Object.fromEntries(Object.entries(ref.files!).map(([path, sha]) => [path, stored[sha]]));
};

let records: InferenceRecord[];
let workers: InProcessWorker[];

function client(deps: Partial<JobDeps> = {}, options: AiClientOptions = {}): AiClient {
	records = [];
	workers = [];
	const jobs: JobDeps = {
		runtimes: nodeRuntimes(),
		fetchStaticFiles: () => Promise.reject(new Error('no origin in Node')),
		loadTransformers: () => Promise.reject(new Error('no transformers in this test')),
		loadBundle: () => Promise.reject(new Error('no bundle in this test')),
		validate: () => Promise.reject(new Error('no validator in this test')),
		...deps
	};
	const createWorker = () => {
		const worker = new InProcessWorker((reply) => serveAiJobs(jobs, reply));
		workers.push(worker);
		return worker.asWorker();
	};
	return new AiClient(async (record) => records.push(record), { createWorker, ...options });
}

afterEach(() => vi.useRealTimers());

describe('AiClient.scoreTags', () => {
	it('scores each vector with the head and logs the job with its backend', async () => {
		const ai = client();
		const vectors = [Float32Array.of(0.9, 0.1, 0), Float32Array.of(0, 0.2, 0.8)];
		const { scores, backend, fallback } = await ai.scoreTags(headRef, vectors);
		const expected = scoreHead(head, Float32Array.of(...vectors[0], ...vectors[1]), 2);
		expect(scores.map((row) => [...row])).toHaveLength(2);
		scores.flatMap((row) => [...row]).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
		expect([backend, fallback]).toEqual(['wasm', undefined]);
		// Two vectors of three float32 in, two rows of three scores out.
		expect(records).toMatchObject([
			{
				model: 'tagger.1',
				version: 'tag',
				backend: 'wasm',
				batch: 2,
				task: 'tag',
				bytesIn: 24,
				bytesOut: 24
			}
		]);
		// The caller's bytes and vectors stay usable: only the worker's copies move.
		expect(headRef.bytes.length).toBeGreaterThan(0);
		expect(vectors[0]).toHaveLength(3);
		ai.terminate();
	});

	it('opens a head once per version, and says why a WebGPU choice ran on wasm', async () => {
		const created = vi.fn();
		const runtimes = nodeRuntimes();
		const wasm = runtimes.wasm;
		const ai = client({ runtimes: { ...runtimes, wasm: () => (created(), wasm()) } });
		const gpuHead = { ...headRef, backend: 'webgpu' as const };
		const first = await ai.scoreTags(gpuHead, [Float32Array.of(1, 0, 0)]);
		await ai.scoreTags(gpuHead, [Float32Array.of(0, 1, 0)]);
		expect(created).toHaveBeenCalledTimes(1);
		expect(first).toMatchObject({ backend: 'wasm', fallback: 'This browser has no WebGPU.' });
		expect(records.map((r) => r.fallback)).toEqual([first.fallback, first.fallback]);
		await expect(ai.scoreTags(headRef, [Float32Array.of(1, 0)])).rejects.toThrow(/3 numbers/);
		ai.terminate();
	});
});

describe('AiClient’s log of failed jobs', () => {
	it('logs a job the runtime failed, with what was sent and nothing back', async () => {
		const ai = client();
		const broken = { versionId: 'tagger.broken', bytes: throwingHead(3, 3), labels: head.labels };
		await expect(ai.scoreTags(broken, [Float32Array.of(1, 0, 0)])).rejects.toThrow(/Reshape/);
		expect(records).toMatchObject([
			{
				model: 'tagger.broken',
				version: 'tag',
				task: 'tag',
				batch: 1,
				bytesIn: 12,
				bytesOut: 0,
				runMs: 0,
				outcome: 'failed'
			}
		]);
		expect(records[0].queueMs).toBeGreaterThanOrEqual(0);
		// A job refused before it reached the worker ran nothing: no record.
		await expect(
			ai.scoreTags(headRef, [Float32Array.of(1, 0, 0), Float32Array.of(1)])
		).rejects.toThrow();
		expect(records).toHaveLength(1);
		ai.terminate();
	});
});

describe('AiClient with a person’s own embedder', () => {
	it('sends the files once per worker and embeds as the table does', async () => {
		const modelFiles = vi.fn(async (ref: ModelRef) => userFiles(ref));
		const ai = client({}, { modelFiles });
		const texts = ['cat at work', 'lunch', 'nothing known'];
		const [vectors, again] = await Promise.all([
			ai.embed(userModel, texts),
			ai.embed(userModel, ['cat'])
		]);
		expect(modelFiles).toHaveBeenCalledTimes(1);
		const words = parseVocabulary(vocab);
		const { ids, length } = padBatch(texts.map((text) => tokenize(text, words)));
		texts.forEach((_, i) => {
			const expected = embedIds(ids.subarray(i * length, (i + 1) * length), table);
			[...vectors[i]].forEach((v, d) => expect(v).toBeCloseTo(expected[d], 5));
		});
		const cat = embedIds(Int32Array.of(1), table);
		[...again[0]].forEach((v, d) => expect(v).toBeCloseTo(cat[d], 5));
		expect(records).toHaveLength(2);
		const embedded = records.find((record) => record.batch === 3)!;
		// UTF-8 bytes of the three texts; one vector of float32 per text.
		expect(embedded).toMatchObject({
			task: 'embed',
			bytesIn: 29,
			bytesOut: 3 * vectors[0].byteLength
		});
		// A new worker has none of the files: they go again with its first job.
		ai.terminate();
		await ai.embed(userModel, ['work']);
		expect(modelFiles).toHaveBeenCalledTimes(2);
		expect(workers).toHaveLength(2);
		ai.terminate();
	});

	it('sends the files again after a load that failed', async () => {
		const modelFiles = vi
			.fn<(ref: ModelRef) => Promise<ModelFiles>>()
			.mockResolvedValueOnce({ 'model.onnx': new Uint8Array(0) })
			.mockImplementation(async (ref) => userFiles(ref));
		const ai = client({}, { modelFiles });
		await expect(ai.warm(userModel)).rejects.toThrow(/model.onnx and vocab.txt/);
		await ai.warm(userModel);
		expect(modelFiles).toHaveBeenCalledTimes(2);
		ai.terminate();
	});
});

describe('serveAiJobs', () => {
	it('answers a request that does not fit the protocol with a failure, not a crash', async () => {
		const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
		const answers: unknown[] = [];
		const serve = serveAiJobs({ runtimes: nodeRuntimes() } as JobDeps, (answer) =>
			answers.push(answer)
		);
		serve({ type: 'score', jobId: 3, head: headRef, vectors: [0.1, 0.2, 0.3], count: 1 });
		serve({ type: 'unknown' });
		serve({
			type: 'score',
			jobId: 4,
			head: headRef,
			vectors: Float32Array.of(1, 0, 0),
			count: 1,
			queuedAt: 0
		});
		await vi.waitFor(() => expect(answers).toHaveLength(2));
		expect(answers[0]).toEqual({
			type: 'failed',
			jobId: 3,
			message: 'The AI worker could not read the job.'
		});
		expect(answers[1]).toMatchObject({ type: 'scored', jobId: 4, labels: 3 });
		expect(errors).toHaveBeenCalledTimes(2);
		errors.mockRestore();
	});
});

describe('uploadedModelRef', () => {
	it('names every file of an uploaded embedder by its path, and nothing for a head', () => {
		const bundle = uploadedEmbedder('mini.1', 'mini', 1);
		expect(uploadedModelRef({ ...bundle, backend: 'webgpu' })).toEqual({
			id: 'mini',
			version: 'mini.1',
			kind: 'transformers',
			location: '',
			files: { 'tokenizer.json': 'ef'.repeat(32), 'onnx/model.onnx': 'cd'.repeat(32) },
			backend: 'webgpu'
		});
		expect(userModel.files).toEqual({ 'vocab.txt': 'b'.repeat(64), 'model.onnx': 'a'.repeat(64) });
		const listed = { ...bundle, files: { 'onnx/model_q4.onnx': 'cd'.repeat(32) } };
		expect(uploadedModelRef(listed)?.files).toEqual(listed.files);
		expect(uploadedModelRef(headVersion('tagger.1', 1))).toBeNull();
		expect(uploadedModelRef({ ...bundle, sha256: null })).toBeNull();
	});
});

describe('AiClient.validateModel', () => {
	const upload = { task: 'tag', onnx: new Uint8Array(1), labels: ['a'], embedderDims: 3 } as never;

	it('runs in a worker of its own and passes on the check that failed', async () => {
		const ai = client({
			validate: () => Promise.reject(new ModelCheckError('operators', 'Not supported: FooOp'))
		});
		const error = await ai.validateModel(upload).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ModelCheckError);
		expect(error).toMatchObject({ check: 'operators', message: 'Not supported: FooOp' });
		expect(workers).toHaveLength(1);
		expect(workers[0].isTerminated).toBe(true);
	});

	it('stops a probe that never ends, as a failed probe check', async () => {
		vi.useFakeTimers();
		const ai = client({ validate: () => new Promise(() => {}) });
		const result = ai.validateModel(upload, { probeTimeoutMs: 1_000 }).catch((e: unknown) => e);
		await vi.advanceTimersByTimeAsync(31_000);
		expect(await result).toMatchObject({ check: 'probe', message: expect.stringMatching(/1 s/) });
		expect(workers[0].isTerminated).toBe(true);
	});
});
