import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStaticTable } from '../../models/static-onnx';
import { MODELS_DIR } from '../../server/services';
import { embedIds } from '../../models/static-embedder';
import { parseVocabulary, tokenize } from '../../sync/ai/tokenizer';
import {
	MAX_EMBED_TEXTS,
	MAX_EMBED_TEXT_CHARS,
	MAX_EMBED_TOTAL_CHARS,
	type EmbedResponse
} from '../../sync/protocol/ai';
import {
	eventually,
	readMetrics,
	register,
	startTestServer,
	type Account,
	type TestServer
} from './harness';

const MODEL = 'glove-sif-50k';
const MODEL_DIR = join(MODELS_DIR!, MODEL);

let t: TestServer;
let account: Account;
beforeAll(async () => {
	t = await startTestServer();
	account = await register(t.base);
});
afterAll(() => t.stop());

interface Answer {
	status: number;
	body: EmbedResponse & { error: { code: string; message: string } };
}

async function embed(
	server: TestServer,
	who: Account | undefined,
	body: unknown,
	headers: Record<string, string> = {}
): Promise<Answer> {
	const res = await fetch(`${server.base}/api/ai/embed`, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/json',
			...(who ? { Cookie: who.cookie } : {}),
			...headers
		},
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
	return { status: res.status, body: await res.json() };
}

const request = (texts: string[]) => ({ model: MODEL, texts });

/** Thoughts as people write them, and the edges of the tokenizer. */
const CORPUS = [
	'Buy milk and eggs on the way home',
	'The quick brown fox jumps over the lazy dog.',
	'Meeting with Ada at 10:30 about the Q3 roadmap #work/planning',
	'Idea: a garden that waters itself when the soil is dry',
	'Café crème, naïve façade, Ångström: accents fold away',
	'SHOUTING IN CAPITALS IS STILL THE SAME WORDS',
	'2024 was the year of 42 experiments and 7 failures',
	'zxqvw plorkt fnargle: no word here is known',
	'',
	'🧠💡🚀',
	'   \n\t  ',
	'- [ ] write tests\n- [x] read the spec\n\n**bold** and _italic_ markdown',
	'https://example.com/path?query=thoughts&tag=ai',
	'Repeat repeat repeat repeat repeat',
	'Ein kurzer Gedanke auf Deutsch, mit einem englischen word dazwischen',
	'The mitochondria is the powerhouse of the cell',
	'I should call mum this weekend',
	'Remember: passwords are hashed with argon2id, tokens with sha256',
	'word '.repeat(300) + 'tail words beyond the token limit are dropped',
	'a'.repeat(MAX_EMBED_TEXT_CHARS)
];

function oracle() {
	const table = readStaticTable(new Uint8Array(readFileSync(join(MODEL_DIR, 'model.onnx'))));
	const vocab = parseVocabulary(readFileSync(join(MODEL_DIR, 'vocab.txt'), 'utf8'));
	return (text: string) => embedIds(tokenize(text, vocab), table);
}

function inferenceLog(userId: string) {
	return t.server.services.database.sqlite
		.prepare('SELECT * FROM inference_log WHERE user_id = ? ORDER BY id')
		.all(userId) as Record<string, unknown>[];
}

describe('POST /api/ai/embed', () => {
	it('refuses anyone not signed in, and other sites', async () => {
		for (const who of [undefined, { ...account, cookie: 't10x_session=forged' }]) {
			const answer = await embed(t, who, request(['hello']));
			expect(answer.status).toBe(401);
			expect(answer.body.error.code).toBe('unauthenticated');
		}
		const crossSite = await embed(t, account, request(['hello']), {
			Origin: 'https://evil.example'
		});
		expect(crossSite.status).toBe(403);
		expect(crossSite.body.error.code).toBe('forbidden');
	});

	it.each([
		['no object', '[]'],
		['not JSON', '{"model":'],
		['no texts', { model: MODEL }],
		['no model', { texts: ['hello'] }],
		['an empty model name', { model: '', texts: ['hello'] }],
		['a model that is not text', { model: 7, texts: ['hello'] }],
		['texts that are not a list', { model: MODEL, texts: 'hello' }],
		['no texts at all', request([])],
		['a text that is not text', { model: MODEL, texts: ['hello', 42] }],
		['too many texts', request(Array.from({ length: MAX_EMBED_TEXTS + 1 }, () => 'x'))],
		['a text that is too long', request(['x'.repeat(MAX_EMBED_TEXT_CHARS + 1)])],
		[
			'too much text in all',
			request(Array.from({ length: 17 }, () => 'x'.repeat(MAX_EMBED_TEXT_CHARS)))
		]
	])('answers 400 invalid_body to %s', async (_what, body) => {
		const answer = await embed(t, account, body);
		expect(answer.status).toBe(400);
		expect(answer.body.error.code).toBe('invalid_body');
		expect(answer.body.error.message).toMatch(/\S/);
	});

	it('answers 415 to other media types and 413 to bodies beyond any valid request', async () => {
		const text = await embed(t, account, JSON.stringify(request(['x'])), {
			'Content-Type': 'text/plain'
		});
		expect([text.status, text.body.error.code]).toEqual([415, 'unsupported_media_type']);
		const huge = await embed(t, account, request(['\u0001'.repeat(80_000)]));
		expect([huge.status, huge.body.error.code]).toEqual([413, 'payload_too_large']);
	});

	it('answers 404 not_found for a model the server does not run', async () => {
		const answer = await embed(t, account, { model: 'no-such-model', texts: ['hello'] });
		expect(answer.status).toBe(404);
		expect(answer.body.error.code).toBe('not_found');
	});

	it('accepts requests right at the limits', async () => {
		const manyTexts = await embed(t, account, request(Array.from({ length: 64 }, () => 'hi')));
		expect(manyTexts.status).toBe(200);
		expect(manyTexts.body.vectors).toHaveLength(MAX_EMBED_TEXTS);
		const allTheText = Array.from({ length: 16 }, () => 'x '.repeat(MAX_EMBED_TEXT_CHARS / 2));
		allTheText.push('y'.repeat(MAX_EMBED_TOTAL_CHARS - 16 * MAX_EMBED_TEXT_CHARS));
		const full = await embed(t, account, request(allTheText));
		expect(full.status).toBe(200);
		expect(full.body.stats.inputChars).toBe(MAX_EMBED_TOTAL_CHARS);
	});

	it('embeds what the TypeScript oracle computes, within 1e-4', async () => {
		const answer = await embed(t, account, request(CORPUS));
		expect(answer.status).toBe(200);
		const { model, version, dims, vectors, stats } = answer.body;
		const manifest = JSON.parse(readFileSync(join(MODEL_DIR, 'manifest.json'), 'utf8'));
		expect({ model, version, dims }).toEqual({
			model: MODEL,
			version: manifest.version,
			dims: manifest.dims
		});
		expect(stats).toMatchObject({
			backend: 'server',
			batch: CORPUS.length,
			inputChars: CORPUS.reduce((sum, text) => sum + text.length, 0)
		});
		expect(stats.inputTokens).toBeGreaterThan(0);
		expect(stats.queueMs).toBeGreaterThanOrEqual(0);
		expect(stats.runMs).toBeGreaterThan(0);

		const expected = oracle();
		let maxDiff = 0;
		CORPUS.forEach((text, i) => {
			const want = expected(text);
			expect(vectors[i]).toHaveLength(dims);
			vectors[i].forEach((x, d) => (maxDiff = Math.max(maxDiff, Math.abs(x - want[d]))));
		});
		console.info(`server vs TypeScript oracle: max abs diff ${maxDiff.toExponential(2)}`);
		expect(maxDiff).toBeLessThanOrEqual(1e-4);
		// Texts with no known word stay zero vectors rather than NaN.
		expect(vectors[CORPUS.indexOf('')].every((x) => x === 0)).toBe(true);
	});

	it('logs one row per embedding call, with what it cost', async () => {
		const user = await register(t.base);
		const batches = [['one'], ['two', 'three'], ['four', 'five', 'six']];
		for (const texts of batches) expect((await embed(t, user, request(texts))).status).toBe(200);
		// Refused calls ran nothing, so they leave no row.
		expect((await embed(t, user, request([]))).status).toBe(400);
		const rows = inferenceLog(user.userId);
		expect(rows).toHaveLength(batches.length);
		rows.forEach((row, i) => {
			expect(row).toMatchObject({
				user_id: user.userId,
				model: MODEL,
				version: '1.0.0',
				batch: batches[i].length,
				input_chars: batches[i].join('').length
			});
			expect(row.run_ms).toBeGreaterThan(0);
			expect(row.queue_ms).toBeGreaterThanOrEqual(0);
			expect(row.created_at).toBeGreaterThan(Date.now() - 60_000);
		});
		const metrics = await readMetrics(t.base);
		expect(metrics).toMatch(
			/t10x_ai_seconds_count\{model="glove-sif-50k",plan="free",stage="run"\} [1-9]/
		);
		expect(metrics).toMatch(
			/t10x_ai_requests_total\{model="glove-sif-50k",plan="free",outcome="ok"\} [1-9]/
		);
	});

	it('lets each user keep only so many jobs waiting (503 past that), others still queue', async () => {
		const capped = await startTestServer({ ai: { tenantQueueLength: 1 } });
		try {
			const [user, other] = [await register(capped.base), await register(capped.base)];
			const pool = capped.server.services.inference;
			const resume = pool.pause();
			const first = embed(capped, user, request(['first']));
			await eventually(() => pool.stats().queued === 1, 5_000, 'the first job to queue');
			const second = await embed(capped, user, request(['second']));
			expect([second.status, second.body.error.code]).toEqual([503, 'busy']);
			const others = embed(capped, other, request(['someone else']));
			await eventually(() => pool.stats().queued === 2, 5_000, 'the other user’s job to queue');
			resume();
			expect((await first).status).toBe(200);
			expect((await others).status).toBe(200);
			expect((await embed(capped, user, request(['third']))).status).toBe(200);
		} finally {
			await capped.stop();
		}
	});
});

describe('POST /api/ai/embed under load and failure', () => {
	it('limits each user to so many requests a minute', async () => {
		const limited = await startTestServer({ ai: { requestsPerMinute: 2 } });
		try {
			const user = await register(limited.base);
			for (let i = 0; i < 2; i++) {
				expect((await embed(limited, user, request(['hi']))).status).toBe(200);
			}
			const third = await embed(limited, user, request(['hi']));
			expect([third.status, third.body.error.code]).toEqual([429, 'rate_limited']);
			// Per user: someone else is not held back.
			const other = await register(limited.base);
			expect((await embed(limited, other, request(['hi']))).status).toBe(200);
		} finally {
			await limited.stop();
		}
	});

	it('answers 503 busy when the queue is full, then serves again', async () => {
		const small = await startTestServer({ ai: { queueLength: 1 } });
		try {
			const [a, b] = [await register(small.base), await register(small.base)];
			const pool = small.server.services.inference;
			const resume = pool.pause();
			const queued = embed(small, a, request(['waits its turn']));
			await eventually(() => pool.stats().queued === 1, 5_000, 'the job to queue');
			const refused = await embed(small, b, request(['no room']));
			expect([refused.status, refused.body.error.code]).toEqual([503, 'busy']);
			resume();
			expect((await queued).status).toBe(200);
			expect((await embed(small, b, request(['room now']))).status).toBe(200);
		} finally {
			await small.stop();
		}
	});

	it('survives its runner dying, idle or mid-job, and serves the next request', async () => {
		const own = await startTestServer();
		try {
			const user = await register(own.base);
			const pool = own.server.services.inference;
			expect((await embed(own, user, request(['warm up']))).status).toBe(200);

			await pool.terminateWorkers();
			expect((await embed(own, user, request(['after an idle crash']))).status).toBe(200);

			// A cold runner takes far longer to start than the test takes to end it: the job is
			// certainly on the runner when it dies.
			await pool.terminateWorkers();
			const resume = pool.pause();
			const doomed = embed(own, user, request(['dies with its worker']));
			await eventually(() => pool.stats().queued === 1, 5_000, 'the job to queue');
			resume();
			expect(pool.stats().running).toBe(1);
			await pool.terminateWorkers();
			const lost = await doomed;
			expect([lost.status, lost.body.error.code]).toEqual([503, 'busy']);

			const after = await embed(own, user, request(['after a crash mid-job']));
			expect(after.status).toBe(200);
			expect(after.body.vectors[0]).toHaveLength(100);
			expect((await fetch(`${own.base}/healthz`)).status).toBe(200);
			expect(pool.stats()).toEqual({ workers: 1, running: 0, queued: 0 });
		} finally {
			await own.stop();
		}
	});
});
