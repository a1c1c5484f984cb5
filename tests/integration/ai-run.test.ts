import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../server/ai-config';
import { MODELS_DIR } from '../../server/services';
import { padBatch, parseVocabulary, tokenize } from '../../sync/ai/tokenizer';
import type { RunResponse, UsageReport } from '../../sync/protocol/ai-run';
import { buildHeadOnnx } from '../../models/head-onnx';
import type { ModelVersion } from '../../sync/doc/model-versions';
import { uploadedEmbedder } from '../fixtures/model-versions';
import { seededValues } from '../fixtures/onnx-builder';
import { ownEmbedder } from '../fixtures/own-models';
import { ort } from '../fixtures/node-runtimes';
import { register, startTestServer, type Account, type TestServer } from './harness';
import {
	addToRegistry,
	BUILTIN,
	DIMS,
	LABELS,
	sha256,
	trainedHead,
	upload,
	versionOf
} from './server-models';

/**
 * POST /api/ai/run and GET /api/ai/usage against a real server: each user's registry versions
 * (put in their root doc through the relay) and files (through the blob store), run by real
 * onnxruntime-node runners and compared with onnxruntime-web, the device's runtime.
 */
const MODEL_DIR = join(MODELS_DIR!, BUILTIN);
const TEXTS = ['a new idea for the garden', 'meeting notes from work', 'cook dinner at home'];

let t: TestServer;
let alice: Account;
let bob: Account;

interface Answer<T> {
	status: number;
	headers: Headers;
	body: T & { error: { code: string; message: string; quota?: unknown } };
}

async function runOn(
	server: TestServer,
	account: Account,
	body: unknown
): Promise<Answer<RunResponse>> {
	const res = await fetch(`${server.base}/api/ai/run`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Cookie: account.cookie },
		body: JSON.stringify(body)
	});
	return { status: res.status, headers: res.headers, body: await res.json() };
}

async function usage(account: Account, days = 7): Promise<UsageReport> {
	const res = await fetch(`${t.base}/api/ai/usage?days=${days}`, {
		headers: { Cookie: account.cookie }
	});
	expect(res.status).toBe(200);
	return res.json();
}

const TINY_DIMS = 16;

/**
 * What a device computes with an uploaded embedder: transformers.js' feature-extraction
 * pipeline (mean pooling, normalised) over the same files, in a folder of its own.
 */
async function transformersOnDevice(
	files: Map<string, Uint8Array>,
	version: ModelVersion,
	texts: string[]
): Promise<number[][]> {
	const root = mkdtempSync(join(tmpdir(), 't10x-device-model-'));
	try {
		for (const [path, sha] of Object.entries(version.files!)) {
			mkdirSync(dirname(join(root, 'model', path)), { recursive: true });
			writeFileSync(join(root, 'model', path), files.get(sha)!);
		}
		const { env, pipeline } = await import('@huggingface/transformers');
		env.allowRemoteModels = false;
		env.allowLocalModels = true;
		env.useFSCache = false;
		env.localModelPath = root;
		const dtype = version.files!['onnx/model_quantized.onnx'] === version.sha256 ? 'q8' : 'fp32';
		const extractor = await pipeline('feature-extraction', 'model', { dtype, device: 'cpu' });
		const output = await extractor(texts, { pooling: 'mean', normalize: true });
		const values = output.data as Float32Array;
		const width = values.length / texts.length;
		return texts.map((_, i) => Array.from(values.subarray(i * width, (i + 1) * width)));
	} finally {
		rmSync(root, { recursive: true, force: true });
	}
}

/** What the device computes: onnxruntime-web (wasm) running the same two files. */
async function onDevice(head: Uint8Array | null, texts: string[]): Promise<number[][]> {
	const vocab = parseVocabulary(readFileSync(join(MODEL_DIR, 'vocab.txt'), 'utf8'));
	const embedder = await ort.InferenceSession.create(readFileSync(join(MODEL_DIR, 'model.onnx')));
	const { ids, length } = padBatch(texts.map((text) => tokenize(text, vocab)));
	const embedded = await embedder.run({
		input_ids: new ort.Tensor('int32', ids, [texts.length, length])
	});
	let output = embedded.embeddings;
	if (head) {
		const session = await ort.InferenceSession.create(head);
		output = (await session.run({ [session.inputNames[0]]: output }))[session.outputNames[0]];
	}
	const values = output.data as Float32Array;
	const width = output.dims[1];
	return texts.map((_, i) => Array.from(values.subarray(i * width, (i + 1) * width)));
}

function maxDifference(a: number[][], b: number[][]): number {
	expect(a.map((row) => row.length)).toEqual(b.map((row) => row.length));
	return Math.max(...a.flatMap((row, i) => row.map((x, j) => Math.abs(x - b[i][j]))));
}

const aliceHead = trainedHead(7);
const aliceVersion = versionOf('tagger-alice0001', aliceHead);

beforeAll(async () => {
	t = await startTestServer();
	[alice, bob] = [await register(t.base), await register(t.base)];
	await upload(t, alice, aliceHead);
	await addToRegistry(t, alice, [aliceVersion]);
});
afterAll(() => t.stop());

describe('POST /api/ai/run', () => {
	it('runs a trained head and the built-in embedder as the device does, within 1e-4', async () => {
		const tagged = await runOn(t, alice, { task: 'tag', version: aliceVersion.id, texts: TEXTS });
		expect(tagged.status).toBe(200);
		expect(tagged.body).toMatchObject({ task: 'tag', model: 'tagger', version: aliceVersion.id });
		if (tagged.body.task !== 'tag') throw new Error('not a tag answer');
		expect(tagged.body.labels).toEqual(LABELS);
		const headDiff = maxDifference(tagged.body.scores, await onDevice(aliceHead, TEXTS));
		expect(headDiff).toBeLessThanOrEqual(1e-4);

		const embedded = await runOn(t, alice, { task: 'embed', version: BUILTIN, texts: TEXTS });
		expect(embedded.status).toBe(200);
		if (embedded.body.task !== 'embed') throw new Error('not an embed answer');
		const embedDiff = maxDifference(embedded.body.vectors, await onDevice(null, TEXTS));
		expect(embedDiff).toBeLessThanOrEqual(1e-4);
		console.info(
			`server vs device: head ${headDiff.toExponential(2)}, embedder ${embedDiff.toExponential(2)}`
		);
		expect(tagged.body.stats).toMatchObject({ backend: 'server', batch: 3 });
		expect(tagged.body.stats.inputTokens).toBeGreaterThan(0);
		expect(tagged.body.stats.cost).toBeGreaterThan(0);
	});

	it('answers the same 404 for another user’s version or file as for none at all', async () => {
		const theirs = await runOn(t, bob, { task: 'tag', version: aliceVersion.id, texts: ['x'] });
		const nobodys = await runOn(t, bob, { task: 'tag', version: 'tagger-nobody000', texts: ['x'] });
		expect([theirs.status, theirs.body.error.code]).toEqual([404, 'not_found']);
		expect(theirs.body.error.message.replace(aliceVersion.id, 'ID')).toBe(
			nobodys.body.error.message.replace('tagger-nobody000', 'ID')
		);
		// Bob names Alice's sha256 in a version of his own: her file is still not his.
		const borrowed = versionOf('tagger-bob00001', aliceHead);
		await addToRegistry(t, bob, [borrowed]);
		const stolen = await runOn(t, bob, { task: 'tag', version: borrowed.id, texts: ['x'] });
		expect([stolen.status, stolen.body.error.code]).toEqual([404, 'not_found']);
		expect(stolen.body.error.message).toMatch(/not on the server yet/);
		const download = await fetch(`${t.base}/api/blobs/${sha256(aliceHead)}`, {
			headers: { Cookie: bob.cookie }
		});
		expect(download.status).toBe(404);
		// None of it ran, so none of it is in Bob's usage.
		expect((await usage(bob)).models).toEqual([]);
	});

	it('refuses a file that fails the shared validator, and models only devices run', async () => {
		const carol = await register(t.base);
		const garbage = new Uint8Array(2_000).fill(7);
		const broken = versionOf('tagger-broken001', garbage);
		// A static embedder of their own (format static, not the built-in): devices only.
		const theirEmbedder = {
			...uploadedEmbedder('mine-embedder001', 'mine', Date.now()),
			format: 'static' as const
		};
		// Files the version names but no device uploaded yet.
		const notUploaded = uploadedEmbedder('mine-embedder002', 'mine', Date.now());
		await upload(t, carol, garbage);
		await addToRegistry(t, carol, [broken, theirEmbedder, notUploaded]);
		const refused = await runOn(t, carol, { task: 'tag', version: broken.id, texts: ['x'] });
		expect([refused.status, refused.body.error.code]).toEqual([422, 'invalid_model']);
		expect(refused.body.error.message).toMatch(/does not pass validation/);
		const deviceOnly = await runOn(t, carol, {
			task: 'embed',
			version: theirEmbedder.id,
			texts: ['x']
		});
		expect([deviceOnly.status, deviceOnly.body.error.code]).toEqual([422, 'unsupported']);
		const missing = await runOn(t, carol, { task: 'embed', version: notUploaded.id, texts: ['x'] });
		expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
		expect(missing.body.error.message).toMatch(/not on the server yet/);
		const wrongTask = await runOn(t, carol, { task: 'tag', version: BUILTIN, texts: ['x'] });
		expect([wrongTask.status, wrongTask.body.error.code]).toEqual([400, 'invalid_body']);
	});

	it('runs an uploaded transformer embedder, and a head over it, as transformers.js does', async () => {
		const erin = await register(t.base);
		const own = await ownEmbedder(
			{
				put: async (bytes) => {
					await upload(t, erin, new Uint8Array(bytes));
					return sha256(bytes);
				}
			},
			'tiny-embedder001',
			Date.now()
		);
		const headBytes = new Uint8Array(
			buildHeadOnnx({
				dims: TINY_DIMS,
				labels: LABELS,
				weights: seededValues(TINY_DIMS * LABELS.length, 9),
				bias: new Float32Array(LABELS.length)
			})
		);
		await upload(t, erin, headBytes);
		const head = versionOf('tagger-tiny0001', headBytes, {
			embedder: own.version.model,
			dims: [TINY_DIMS],
			signature: {
				inputs: [{ name: 'embeddings', type: 'float32', dims: ['batch', TINY_DIMS] }],
				outputs: [{ name: 'scores', type: 'float32', dims: ['batch', LABELS.length] }]
			}
		});
		await addToRegistry(t, erin, [own.version, head]);
		const texts = ['I adopted a kitten today', 'Quarterly budget review', 'lentil soup recipe'];

		const embedded = await runOn(t, erin, { task: 'embed', version: own.version.id, texts });
		expect(embedded.status).toBe(200);
		if (embedded.body.task !== 'embed') throw new Error('not an embed answer');
		const device = await transformersOnDevice(own.files, own.version, texts);
		const embedDiff = maxDifference(embedded.body.vectors, device);
		expect(embedDiff).toBeLessThanOrEqual(1e-4);
		expect(embedded.body.stats.inputTokens).toBeGreaterThan(texts.length);

		const tagged = await runOn(t, erin, { task: 'tag', version: head.id, texts });
		expect(tagged.status).toBe(200);
		if (tagged.body.task !== 'tag') throw new Error('not a tag answer');
		const session = await ort.InferenceSession.create(headBytes);
		const flat = Float32Array.from(device.flat());
		const scored = await session.run({
			embeddings: new ort.Tensor('float32', flat, [texts.length, TINY_DIMS])
		});
		const scores = scored.scores.data as Float32Array;
		const expected = texts.map((_, i) =>
			Array.from(scores.subarray(i * LABELS.length, (i + 1) * LABELS.length))
		);
		const headDiff = maxDifference(tagged.body.scores, expected);
		expect(headDiff).toBeLessThanOrEqual(1e-4);
		console.info(
			`uploaded embedder vs transformers.js: ${embedDiff.toExponential(2)}; head over it: ${headDiff.toExponential(2)}`
		);
	});

	it('logs every run with its cost, and the usage API sums exactly the log', async () => {
		const dave = await register(t.base);
		const head = trainedHead(11);
		const version = versionOf('tagger-dave0001', head);
		await upload(t, dave, head);
		await addToRegistry(t, dave, [version]);
		for (const texts of [['one'], ['two words', 'three more words here']]) {
			expect((await runOn(t, dave, { task: 'tag', version: version.id, texts })).status).toBe(200);
		}
		expect(
			(await runOn(t, dave, { task: 'embed', version: BUILTIN, texts: ['four'] })).status
		).toBe(200);
		const rows = t.server.services.database.sqlite
			.prepare('SELECT * FROM inference_log WHERE user_id = ? ORDER BY id')
			.all(dave.userId) as Record<string, number | string>[];
		expect(rows.map((row) => [row.task, row.model, row.version, row.batch, row.outcome])).toEqual([
			['tag', 'tagger', version.id, 1, 'ok'],
			['tag', 'tagger', version.id, 2, 'ok'],
			['embed', BUILTIN, '1.0.0', 1, 'ok']
		]);
		for (const row of rows) {
			expect(row.tokens).toBeGreaterThan(0);
			expect(row.bytes_in).toBeGreaterThan(0);
			expect(row.bytes_out).toBe(
				4 * Number(row.batch) * (row.task === 'tag' ? LABELS.length : DIMS)
			);
			expect(row.cost).toBeCloseTo((Number(row.run_ms) / 1000) * 0.00005, 12);
		}
		const report = await usage(dave);
		expect(report.days).toHaveLength(7);
		const today = report.days.at(-1)!;
		const sum = (key: string) => rows.reduce((total, row) => total + Number(row[key]), 0);
		expect(today).toMatchObject({ runs: 3, failed: 0, tokens: sum('tokens') });
		expect(today.cost).toBeCloseTo(sum('cost'), 12);
		expect(today.computeSeconds).toBeCloseTo(sum('run_ms') / 1000, 9);
		expect(report.days.slice(0, -1).every((day) => day.runs === 0)).toBe(true);
		expect(report.models.map((m) => [m.model, m.runs]).sort()).toEqual([
			[BUILTIN, 1],
			['tagger', 2]
		]);
		expect(report.quotas.tokens.used).toBe(sum('tokens'));
		expect(report.plan).toBe('free');
		expect(report.storage.bytes).toBeGreaterThanOrEqual(head.length);
	});

	it('checks the usage window', async () => {
		for (const days of ['0', '91', '1.5', 'x']) {
			const res = await fetch(`${t.base}/api/ai/usage?days=${days}`, {
				headers: { Cookie: alice.cookie }
			});
			expect(res.status).toBe(400);
		}
		expect((await fetch(`${t.base}/api/ai/usage`)).status).toBe(401);
	});
});

describe('plan quotas over HTTP', () => {
	const plan = (change: Partial<Plan>) => ({
		plans: {
			free: {
				computeSecondsPerDay: 1_000,
				tokensPerDay: 1e6,
				storageBytes: 1e8,
				weight: 1,
				...change
			}
		}
	});
	const embed = (texts: string[]) => ({ task: 'embed', version: BUILTIN, texts });

	it('serves tokens up to exactly the plan, then answers 429 naming the quota and its reset', async () => {
		const limited = await startTestServer({ ai: plan({ tokensPerDay: 10 }) });
		try {
			const user = await register(limited.base);
			// "hello world" is two tokens of the built-in vocabulary.
			for (let i = 0; i < 5; i++) {
				expect((await runOn(limited, user, embed(['hello world']))).status).toBe(200);
			}
			const refused = await runOn(limited, user, embed(['hello']));
			expect([refused.status, refused.body.error.code]).toEqual([429, 'quota_exceeded']);
			const midnight = (Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000;
			expect(refused.body.error.quota).toEqual({
				quota: 'tokens',
				plan: 'free',
				limit: 10,
				used: 10,
				resetsAt: midnight
			});
			expect(refused.body.error.message).toMatch(/tokens for today is used up/);
			const retryAfter = Number(refused.headers.get('Retry-After'));
			expect(retryAfter).toBeGreaterThan(0);
			expect(retryAfter).toBeLessThanOrEqual(86_400);
			// The refusal ran nothing: the log has the five runs and their ten tokens.
			const rows = limited.server.services.database.sqlite
				.prepare('SELECT tokens FROM inference_log WHERE user_id = ?')
				.all(user.userId) as { tokens: number }[];
			expect(rows.map((row) => row.tokens)).toEqual([2, 2, 2, 2, 2]);
			// Someone else on the same plan has their own allowance.
			expect((await runOn(limited, await register(limited.base), embed(['hello']))).status).toBe(
				200
			);
		} finally {
			await limited.stop();
		}
	});

	it('stops at the compute quota once it is spent', async () => {
		const limited = await startTestServer({ ai: plan({ computeSecondsPerDay: 0.000_001 }) });
		try {
			const user = await register(limited.base);
			expect((await runOn(limited, user, embed(['first run']))).status).toBe(200);
			const refused = await runOn(limited, user, embed(['second run']));
			expect(refused.status).toBe(429);
			expect(refused.body.error.quota).toMatchObject({ quota: 'compute', limit: 0.000_001 });
		} finally {
			await limited.stop();
		}
	});
});
