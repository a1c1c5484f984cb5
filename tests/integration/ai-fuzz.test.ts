import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { register, startTestServer, type Account, type TestServer } from './harness';
import { expectTypedAnswer, sendRaw, type RawAnswer } from './raw-http';
import { addToRegistry, BUILTIN, trainedHead, upload, versionOf } from './server-models';

/**
 * HTTP fuzzing of server AI, in the manner of http-fuzz.test.ts: 500 generated requests per
 * endpoint against real runners, with Alice's own head, Bob's head (which she must never reach)
 * and made-up ids; every answer is below 500, typed, and the server stays healthy.
 */
const RUNS = { seed: 3112, numRuns: 500 };

let t: TestServer;
let alice: Account;
const ALICE_HEAD = versionOf('tagger-alice0fz', trainedHead(5));
const BOB_HEAD = versionOf('tagger-bob000fz', trainedHead(6));
const statuses = new Map<string, Map<number, number>>();

beforeAll(async () => {
	t = await startTestServer();
	alice = await register(t.base);
	const bob = await register(t.base);
	await upload(t, alice, trainedHead(5));
	await addToRegistry(t, alice, [ALICE_HEAD]);
	await upload(t, bob, trainedHead(6));
	await addToRegistry(t, bob, [BOB_HEAD]);
});
afterAll(async () => {
	const table = [...statuses].map(([name, seen]) => {
		const codes = [...seen].sort(([a], [b]) => a - b).map(([code, n]) => `${code}×${n}`);
		return `${name}: ${codes.join(', ')}`;
	});
	console.info(`ai-fuzz statuses:\n${table.join('\n')}`);
	await t.stop();
});

const json = (value: unknown) => JSON.stringify(value);
const oddText = fc.oneof(
	fc.string({ maxLength: 60 }),
	fc.string({ unit: 'grapheme', maxLength: 30 }),
	fc.constantFrom('', ' ', '\u0000', '\ud800', 'x'.repeat(4_001), 'café ☕ 日本語')
);
const texts = fc.oneof(
	{ arbitrary: fc.array(oddText, { minLength: 1, maxLength: 6 }), weight: 6 },
	{ arbitrary: fc.array(oddText, { maxLength: 70 }), weight: 1 },
	{ arbitrary: fc.anything(), weight: 1 }
);
const version = fc.oneof(
	fc.constantFrom(BUILTIN, ALICE_HEAD.id, BOB_HEAD.id, 'tagger-nobody', 'GLOVE', '', '../etc'),
	fc.string({ maxLength: 80 }),
	fc.anything()
);
const task = fc.oneof(fc.constantFrom('embed', 'tag'), fc.anything());
/** Mostly a request that could run, so the fuzzer reaches the models, not only the refusals. */
const plausible = fc
	.tuple(
		fc.constantFrom(['embed', BUILTIN], ['tag', ALICE_HEAD.id], ['tag', BOB_HEAD.id]),
		fc.array(oddText, { minLength: 1, maxLength: 4 })
	)
	.map(([[task, version], texts]) => json({ task, version, texts }));
const runBody = fc.oneof(
	{ arbitrary: plausible, weight: 6 },
	{
		arbitrary: fc.record({ task, version, texts }, { requiredKeys: [] }).map((body) => json(body)),
		weight: 6
	},
	{ arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
	{ arbitrary: fc.constantFrom('null', '[]', '{"__proto__": {"task": "tag"}}', '{'), weight: 1 }
);
const cookie = fc.oneof(
	{ arbitrary: fc.constant('real'), weight: 4 },
	{ arbitrary: fc.constantFrom('', 't10x_session=forged', 't10x_session='), weight: 1 }
);
const contentType = fc.oneof(
	{ arbitrary: fc.constant('application/json'), weight: 6 },
	{ arbitrary: fc.constantFrom('text/plain', 'application/json; charset=latin1', ''), weight: 1 }
);

function record(name: string, answer: RawAnswer): void {
	const seen = statuses.get(name) ?? new Map<number, number>();
	statuses.set(name, seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1));
}

async function expectHealthy(): Promise<void> {
	expect((await sendRaw(t.server.port, { method: 'GET', path: '/healthz' })).status).toBe(200);
}

const isRun = (body: unknown) => {
	const run = body as { task?: string; vectors?: unknown; scores?: unknown; stats?: unknown };
	return (
		!!run.stats && (run.task === 'embed' ? Array.isArray(run.vectors) : Array.isArray(run.scores))
	);
};

it('POST /api/ai/run never answers 5xx or an untyped error, nor runs another user’s model', async () => {
	await fc.assert(
		fc.asyncProperty(runBody, cookie, contentType, async (body, who, type) => {
			const answer = await sendRaw(t.server.port, {
				method: 'POST',
				path: '/api/ai/run',
				headers: {
					'Content-Type': type,
					Cookie: who === 'real' ? alice.cookie : who,
					Origin: t.base
				},
				body
			});
			record('POST /api/ai/run', answer);
			expectTypedAnswer(answer, 200, isRun);
			if (answer.status === 200) {
				expect(JSON.parse(answer.text).version).not.toBe(BOB_HEAD.id);
			}
			await expectHealthy();
		}),
		RUNS
	);
	// The fuzzer reached the model as well as the refusals.
	expect(statuses.get('POST /api/ai/run')?.get(200)).toBeGreaterThan(10);
}, 120_000);

it('GET /api/ai/usage never answers 5xx or an untyped error, whatever the query', async () => {
	const query = fc.oneof(
		fc.integer({ min: -5, max: 200 }).map(String),
		fc.constantFrom('', '1e1', '0x10', '7.0', '+7', '%37', '7&days=8'),
		fc.string({ unit: fc.constantFrom(...'0123456789.-+eE%&=xdays'), maxLength: 12 })
	);
	const isReport = (body: unknown) => Array.isArray((body as { days?: unknown }).days);
	await fc.assert(
		fc.asyncProperty(query, cookie, async (days, who) => {
			const answer = await sendRaw(t.server.port, {
				method: 'GET',
				path: `/api/ai/usage?days=${days}`,
				headers: { Cookie: who === 'real' ? alice.cookie : who }
			});
			record('GET /api/ai/usage', answer);
			expectTypedAnswer(answer, 200, isReport);
			await expectHealthy();
		}),
		RUNS
	);
	expect(statuses.get('GET /api/ai/usage')?.get(200)).toBeGreaterThan(10);
}, 120_000);
