import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { MAX_DEVICES_PER_USER } from '../../server/services/push.service';
import { ERROR_CODES } from '../../sync/protocol/api';
import { register, type Account, startTestServer, type TestServer } from './harness';
import { sendRaw } from './raw-http';

/** HTTP fuzzing of the Web Push endpoints, in the manner of http-fuzz.test.ts. */
const RUNS = { seed: 2606, numRuns: 500 };
const STACK_FRAME = /\bat\s[^\n]*(?:\/|\\|node:)[^\n]*:\d+/;

let t: TestServer;
let account: Account;
const statuses = new Map<string, Map<number, number>>();

beforeAll(async () => {
	t = await startTestServer({
		push: { ...loadConfig({}).push, requestsPerMinute: 1_000_000, endpointHosts: ['*'] }
	});
	account = await register(t.base);
});
afterAll(() => t.stop());

interface Answer {
	status: number;
	contentType: string;
	text: string;
}

/** The Content-Type and body go out exactly as generated. */
function send(
	method: string,
	path: string,
	headers: Record<string, string | undefined>,
	body: string | Uint8Array | null,
	chunked: boolean
): Promise<Answer> {
	return sendRaw(t.server.port, { method, path, headers, body, chunked });
}

// ---- Generators -------------------------------------------------------------------------------

const json = (value: unknown) => JSON.stringify(value);
const b64url = (length: number) =>
	fc.string({
		unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
		minLength: length,
		maxLength: length
	});
const oddString = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.string({ minLength: 200, maxLength: 3000 }),
	fc.constantFrom('', ' ', '\u0000', '\ud800', '🧠'.repeat(300), 'x'.repeat(20_000))
);
const value = fc.oneof(
	oddString.map(json),
	fc.jsonValue({ maxDepth: 3 }).map(json),
	fc.constantFrom('null', 'true', '[]', '{}', '1e309', '-0', '{"toString":1}')
);
/** Mostly right, sometimes wrong, sometimes missing: so the success path runs as often as not. */
const member = (key: string, right: fc.Arbitrary<string>) =>
	fc
		.option(fc.oneof({ arbitrary: right, weight: 10 }, { arbitrary: value, weight: 1 }), {
			freq: 20
		})
		.map((text) => (text === null ? null : `${json(key)}:${text}`));
const objectText = (members: fc.Arbitrary<(string | null)[]>) =>
	fc
		.tuple(
			members,
			fc.array(
				fc.tuple(fc.constantFrom('__proto__', 'constructor', 'extra', 'endpoint', 'keys'), value),
				{ maxLength: 1 }
			)
		)
		.map(([known, extra]) => {
			const all = known.filter((m) => m !== null);
			for (const [key, text] of extra) all.splice(all.length % 2, 0, `${json(key)}:${text}`);
			return `{${all.join(',')}}`;
		});
const endpoint = fc.oneof(
	{ arbitrary: fc.webUrl({ validSchemes: ['https'], withQueryParameters: true }), weight: 4 },
	{ arbitrary: fc.nat(30).map((n) => `https://push.example/send/${n}`), weight: 4 },
	{
		arbitrary: fc.constantFrom(
			'http://push.example/x',
			'https://user:pw@push.example/x',
			'https://[::1]/x',
			'javascript:alert(1)',
			'//push.example/x',
			`https://push.example/${'x'.repeat(3000)}`
		),
		weight: 1
	}
);
const keys = objectText(
	fc.tuple(
		member(
			'p256dh',
			fc.oneof(
				{ arbitrary: b64url(86).map((s) => json(`B${s}`)), weight: 6 },
				{ arbitrary: b64url(87).map(json), weight: 1 }
			)
		),
		member(
			'auth',
			fc.oneof(
				{ arbitrary: b64url(22).map(json), weight: 6 },
				{ arbitrary: b64url(21).map(json), weight: 1 }
			)
		)
	)
);
const subscriptionText = objectText(
	fc.tuple(
		member('endpoint', endpoint.map(json)),
		member('keys', keys),
		member('expirationTime', fc.constantFrom('null', '0', '1e20'))
	)
);
const endpointText = objectText(fc.tuple(member('endpoint', endpoint.map(json))));
const settingsText = objectText(
	fc.tuple(
		...(['follow', 'like', 'reply', 'post'] as const).map((key) =>
			member(key, fc.constantFrom('true', 'false'))
		)
	)
);
const garbage = fc.oneof(
	fc.jsonValue().map(json),
	fc.uint8Array({ maxLength: 512 }),
	fc.constantFrom('', 'null', '{', '\ufeff{}', '{"endpoint":"https://a.b/x"}garbage', 'a=b'),
	fc.constant(null)
);
const bodyOf = (right: fc.Arbitrary<string>) =>
	fc.oneof({ arbitrary: right, weight: 6 }, { arbitrary: garbage, weight: 2 });
const contentType = fc.oneof(
	{ arbitrary: fc.constant('application/json'), weight: 6 },
	{
		arbitrary: fc.constantFrom(undefined, 'APPLICATION/JSON; charset=utf-8', 'text/plain', ''),
		weight: 1
	}
);
const REAL = 'a live session cookie';
const cookie = fc.oneof(
	{ arbitrary: fc.constant(REAL), weight: 6 },
	{ arbitrary: fc.constant(undefined), weight: 1 },
	{
		arbitrary: fc
			.string({ unit: 'grapheme-ascii', maxLength: 100 })
			.map((s) => `t10x_session=${s}`),
		weight: 1
	}
);
const origin = fc.oneof(
	{ arbitrary: fc.constant(undefined), weight: 6 },
	{ arbitrary: fc.constantFrom('same', 'https://evil.example', 'null', 'not a url'), weight: 1 }
);

// ---- Checks -----------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const isSettings = (v: unknown) =>
	isObject(v) &&
	Object.keys(v).sort().join() === 'follow,like,post,reply' &&
	Object.values(v).every((b) => typeof b === 'boolean');
const isKey = (v: unknown) =>
	isObject(v) && typeof v.publicKey === 'string' && /^B[\w-]{86}$/.test(v.publicKey);
const isApiError = (v: unknown) =>
	isObject(v) &&
	isObject(v.error) &&
	(ERROR_CODES as readonly unknown[]).includes(v.error.code) &&
	typeof v.error.message === 'string';

interface Endpoint {
	name: string;
	success: number;
	shape?: (body: unknown) => boolean;
	body: fc.Arbitrary<string | Uint8Array | null>;
}

function check(endpoint: Endpoint, answer: Answer): void {
	expect(answer.status, answer.text).toBeLessThan(500);
	expect(answer.text).not.toMatch(STACK_FRAME);
	if (answer.status === 204) return expect(answer.text).toBe('');
	// Only Node's own parser errors (400 without a body) come back without JSON.
	if (answer.text === '') return expect(answer.status).toBe(400);
	expect(answer.contentType).toMatch(/^application\/json/);
	const parsed: unknown = JSON.parse(answer.text);
	if (answer.status === endpoint.success) expect(endpoint.shape?.(parsed), answer.text).toBe(true);
	else expect(isApiError(parsed), answer.text).toBe(true);
}

const endpoints: Endpoint[] = [
	{ name: 'GET /api/push/key', success: 200, shape: isKey, body: fc.constant(null) },
	{ name: 'POST /api/push/subscriptions', success: 204, body: bodyOf(subscriptionText) },
	{ name: 'DELETE /api/push/subscriptions', success: 204, body: bodyOf(endpointText) },
	{
		name: 'GET /api/notification-settings',
		success: 200,
		shape: isSettings,
		body: fc.constant(null)
	},
	{
		name: 'PUT /api/notification-settings',
		success: 200,
		shape: isSettings,
		body: bodyOf(settingsText)
	}
];

it.each(endpoints)(
	'$name never answers 5xx or an untyped error',
	async (endpoint) => {
		const [method, path] = endpoint.name.split(' ');
		const fuzzed = fc.record({
			body: endpoint.body,
			contentType,
			cookie,
			origin,
			chunked: fc.boolean()
		});
		await fc.assert(
			fc.asyncProperty(fuzzed, async (f) => {
				const answer = await send(
					method,
					path,
					{
						'Content-Type': f.contentType,
						Cookie: f.cookie === REAL ? account.cookie : f.cookie,
						Origin: f.origin === 'same' ? t.base : f.origin
					},
					f.body,
					f.chunked
				);
				const seen = statuses.get(endpoint.name) ?? new Map<number, number>();
				statuses.set(endpoint.name, seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1));
				check(endpoint, answer);
			}),
			RUNS
		);
		const health = await send('GET', '/healthz', {}, null, false);
		expect(health.status).toBe(200);
		// Whatever was registered, the user never holds more than the cap.
		const { n } = t.server.services.database.sqlite
			.prepare<[string], { n: number }>(
				'SELECT count(*) AS n FROM push_subscriptions WHERE user_id = ?'
			)
			.get(account.userId)!;
		expect(n).toBeLessThanOrEqual(MAX_DEVICES_PER_USER);
		// The fuzzer reached the success path, not only the error paths.
		expect(statuses.get(endpoint.name)?.get(endpoint.success) ?? 0).toBeGreaterThan(50);
	},
	60_000
);

afterAll(() => {
	const table = [...statuses].map(([name, seen]) => {
		const total = [...seen.values()].reduce((sum, n) => sum + n, 0);
		const codes = [...seen].sort(([a], [b]) => a - b).map(([code, n]) => `${code}×${n}`);
		return `${name}: ${total} requests (${codes.join(', ')})`;
	});
	console.info(`push-fuzz statuses (shrinking included):\n${table.join('\n')}`);
});
