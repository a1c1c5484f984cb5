import { describe, expect, it } from 'vitest';
import {
	DEFAULT_MODEL_LIMITS,
	MODEL_CHECKS,
	ModelCheckError,
	parseLabels,
	validateModel,
	type ModelLimits,
	type ModelProbe,
	type ProbeRequest
} from '../../sync/ai/model-check';
import { readEmbedderBundle } from '../../sync/ai/model-bundle';
import { probeOnServer } from '../../server/ai/model-probe';
import {
	badModels,
	EMBEDDER_DIMS,
	endlessHead,
	headUpload,
	LABELS,
	tinyEmbedderFiles,
	type BadModel
} from '../fixtures/bad-models';
import { buildHead, headSpec, encodeModel } from '../fixtures/onnx-builder';
import { zipSync } from 'fflate';

/**
 * The validator with the server's real probe (onnxruntime-node in a process of its own): every
 * file of the bad-model corpus is refused by the check it is meant to fail, with its own words,
 * and a good head and a good embedder pass.
 */

/** The server probe, counting the requests it was given (a static refusal never runs one). */
function countingProbe() {
	const requests: ProbeRequest[] = [];
	const probe: ModelProbe = (request, signal) => {
		requests.push(request);
		return probeOnServer(request, signal);
	};
	return { probe, requests };
}

async function attempt(model: BadModel, probe: ModelProbe) {
	const limits: ModelLimits = { ...DEFAULT_MODEL_LIMITS, ...model.limits };
	try {
		const upload =
			'files' in model.upload
				? { task: 'embed' as const, bundle: readEmbedderBundle(model.upload.files, limits) }
				: model.upload;
		await validateModel(upload, probe, limits);
	} catch (error) {
		return error;
	}
	return null;
}

describe('the bad-model corpus', () => {
	const corpus = badModels();
	/** Refused after a sample run: the runtime is the only one that can tell. */
	const needsRun = (model: BadModel) => model.check === 'probe' || model.name.includes('runtime');

	it('holds at least 15 files covering every check', () => {
		expect(corpus.length).toBeGreaterThanOrEqual(15);
		expect(new Set(corpus.map((model) => model.check))).toEqual(new Set(MODEL_CHECKS));
	});

	it.each(corpus.map((model) => [model.name, model] as const))(
		'refuses %s',
		{ timeout: 30_000 },
		async (_, model) => {
			const { probe, requests } = countingProbe();
			const error = await attempt(model, probe);
			expect(error).toBeInstanceOf(ModelCheckError);
			expect((error as ModelCheckError).check).toBe(model.check);
			expect((error as ModelCheckError).message).toMatch(model.message);
			expect(requests.length, 'sample runs').toBe(needsRun(model) ? 1 : 0);
		}
	);

	it('gives each file its own error message', async () => {
		const { probe } = countingProbe();
		const messages = await Promise.all(
			corpus.map(async (model) => ((await attempt(model, probe)) as Error).message)
		);
		expect(new Set(messages).size).toBe(corpus.length);
	}, 60_000);
});

describe('a good model', () => {
	it('passes as a head, with what the registry records', async () => {
		const model = await validateModel(
			headUpload(buildHead({ dims: EMBEDDER_DIMS, labels: LABELS.length })),
			probeOnServer
		);
		expect(model).toMatchObject({
			task: 'tag',
			format: 'head',
			irVersion: 8,
			opset: 17,
			dims: EMBEDDER_DIMS,
			labels: LABELS,
			operators: ['Add', 'MatMul', 'Sigmoid'],
			signature: {
				inputs: [{ name: 'embeddings', type: 'float32', dims: ['batch', EMBEDDER_DIMS] }],
				outputs: [{ name: 'scores', type: 'float32', dims: ['batch', LABELS.length] }]
			}
		});
		expect(model.size).toBe(model.onnx.length);
		expect(model.probeMs).toBeGreaterThan(0);
	});

	it('takes a head’s labels from its metadata when no file is given', async () => {
		const spec = headSpec({ dims: EMBEDDER_DIMS, labels: 2 });
		const onnx = encodeModel({ ...spec, metadata: { labels: '["#Work","home"]' } });
		const model = await validateModel(headUpload(onnx, null), probeOnServer);
		expect(model.labels).toEqual(['work', 'home']);
	});

	it.each([
		['a folder', tinyEmbedderFiles()],
		[
			'a zip',
			[
				{
					path: 'm.zip',
					bytes: zipSync(Object.fromEntries(tinyEmbedderFiles('x').map((f) => [f.path, f.bytes])))
				}
			]
		]
	])('passes as an embedder from %s', async (_, files) => {
		const bundle = readEmbedderBundle(files);
		expect(bundle.onnxPath).toBe('onnx/model_quantized.onnx');
		expect(Object.keys(bundle.files).sort()).toEqual([
			'config.json',
			'tokenizer.json',
			'tokenizer_config.json'
		]);
		const model = await validateModel({ task: 'embed', bundle }, probeOnServer);
		expect(model).toMatchObject({ task: 'embed', format: 'transformers', dims: 16 });
		expect(model.signature.outputs[0]).toEqual({
			name: 'last_hidden_state',
			type: 'float32',
			dims: ['batch', 'sequence', 16]
		});
	});
});

describe('the sample run', () => {
	it('is ended when it runs past the time limit', async () => {
		const startedAt = Date.now();
		const error = await validateModel(headUpload(endlessHead()), probeOnServer, {
			...DEFAULT_MODEL_LIMITS,
			probeTimeoutMs: 1500
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ModelCheckError);
		expect(error).toMatchObject({
			check: 'probe',
			message: 'The sample run took longer than 1.5 s.'
		});
		expect(Date.now() - startedAt).toBeLessThan(10_000);
	});

	it('tells the probe to stop when the time is up', async () => {
		let aborted = false;
		const hanging: ModelProbe = (_, signal) =>
			new Promise(() => signal.addEventListener('abort', () => (aborted = true)));
		const upload = headUpload(buildHead({ dims: EMBEDDER_DIMS, labels: LABELS.length }));
		await expect(
			validateModel(upload, hanging, { ...DEFAULT_MODEL_LIMITS, probeTimeoutMs: 50 })
		).rejects.toThrow(/longer than 0.05 s/);
		expect(aborted).toBe(true);
	});
});

describe('parseLabels', () => {
	it('reads a JSON array or one tag per line, as the app writes tags', () => {
		expect(parseLabels('["work", "#Home", "ideas/books"]')).toEqual([
			'work',
			'home',
			'ideas/books'
		]);
		expect(parseLabels('work\r\n#home\n\n  ideas  \n')).toEqual(['work', 'home', 'ideas']);
	});

	it.each([
		['', /non-empty list/],
		['[1, 2]', /1 is not a tag/],
		['["work", "Work"]', /"work" is listed twice/],
		['[not json', /not valid JSON/]
	])('refuses %j', (text, message) => {
		expect(() => parseLabels(text)).toThrow(message);
	});
});
