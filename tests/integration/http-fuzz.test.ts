import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ERROR_CODES } from '../../sync/protocol/api';
import { register, signIn, startTestServer, type Account, type TestServer } from './harness';
import { sendRaw } from './raw-http';

const RUNS = { seed: 1126, numRuns: 500 };
const PASSWORD = 'correct horse battery';
/** A stack frame: "at fn (/path/file.ts:1:2)" or "at node:internal/...". */
const STACK_FRAME = /\bat\s[^\n]*(?:\/|\\|node:)[^\n]*:\d+/;

let t: TestServer;
let account: Account;
/** A second device of `account`: a real id for DELETE /api/devices/:id to revoke. */
let otherDevice: Account;
/** The cookie that stands for "a real session"; renewed once a request may have ended it. */
let live: Account | null = null;
/** Status codes seen per endpoint: shows the fuzzer reached success paths as well as errors. */
const statuses = new Map<string, Map<number, number>>();

beforeAll(async () => {
	t = await startTestServer();
	account = await register(t.base);
	otherDevice = await signIn(t.base, 'login', account.username, PASSWORD);
});
afterAll(() => t.stop());

interface Sent {
	method: string;
	path: string;
	headers?: Record<string, string | undefined>;
	body?: string | Uint8Array | null;
	/** Transfer-Encoding: chunked instead of Content-Length. */
	chunked?: boolean;
}

interface Answer {
	status: number;
	contentType: string;
	text: string;
}

/** The path, Content-Type and body go out exactly as generated. */
function send(server: TestServer, sent: Sent): Promise<Answer> {
	return sendRaw(server.server.port, sent);
}

// ---- Generators -------------------------------------------------------------------------------

const json = (value: unknown) => JSON.stringify(value);
const username = fc.stringMatching(/^[a-z0-9_]{3,32}$/);
const password = fc.string({ minLength: 8, maxLength: 40 });
/** Lone surrogates survive JSON.stringify as \uXXXX escapes and come back from JSON.parse. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u));
const oddString = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.string({
		unit: fc.oneof(loneSurrogate, fc.string({ minLength: 1, maxLength: 1 })),
		maxLength: 40
	}),
	fc.string({ minLength: 200, maxLength: 3000 }),
	fc.constantFrom(
		'',
		' ',
		'\u0000',
		'admin\u0000',
		'\ufeffadmin',
		' Admin ',
		'\u212aelvin',
		'ＡＤＭＩＮ',
		'İstanbul',
		'a\u0301',
		'\u202eevil',
		'\ud800',
		'\udfff\ud800',
		'🧠'.repeat(300),
		'x'.repeat(1025),
		'y'.repeat(20_000)
	)
);
/** Number literals JSON.stringify cannot produce. */
const oddNumber = fc.constantFrom(
	'1e309',
	'-1e309',
	'1e-400',
	'-0',
	'123456789012345678901234567890',
	'9007199254740993',
	'0.1e1'
);
const nested = fc
	.tuple(fc.constantFrom('[', '{"a":'), fc.integer({ min: 1, max: 9000 }))
	.map(([open, depth]) => open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth));
const hugeArray = fc
	.tuple(fc.integer({ min: 0, max: 12_000 }), fc.constantFrom('0', 'null', '"x"', '{}'))
	.map(([length, item]) => `[${Array.from({ length }, () => item).join(',')}]`);
/** JSON text of one field value: right type, wrong type, or something stranger. */
const value = fc.oneof(
	oddString.map(json),
	oddNumber,
	fc.jsonValue({ maxDepth: 3 }).map(json),
	nested,
	fc.constantFrom('null', 'true', '[]', '{}', '["ada"]', '{"toString":1}')
);
const member = (key: string, right: fc.Arbitrary<string>) =>
	fc
		.option(fc.oneof({ arbitrary: right, weight: 3 }, { arbitrary: value, weight: 2 }), {
			freq: 6
		})
		.map((text) => (text === null ? null : `${json(key)}:${text}`));
/** Credentials as raw JSON text: missing, extra, duplicated and prototype-ish keys included. */
const credentialsText = fc
	.tuple(
		member('username', username.map(json)),
		member('password', password.map(json)),
		member('deviceName', fc.string({ maxLength: 80 }).map(json)),
		fc.array(
			fc.tuple(
				fc.constantFrom(
					'__proto__',
					'constructor',
					'prototype',
					'username',
					'password',
					'extra',
					''
				),
				value
			),
			{ maxLength: 3 }
		)
	)
	.map(([name, pass, device, extra]) => {
		const members = [name, pass, device].filter((m) => m !== null);
		for (const [key, text] of extra) members.splice(members.length % 3, 0, `${json(key)}:${text}`);
		return `{${members.join(',')}}`;
	});
const bytes = fc.uint8Array({ maxLength: 512 });
/** Valid registrations and logins hash with argon2 (~25 ms), so they stay a minority. */
const body = fc.oneof(
	{ arbitrary: fc.record({ username, password }).map(json), weight: 1 },
	{ arbitrary: credentialsText, weight: 6 },
	{ arbitrary: fc.jsonValue().map(json), weight: 2 },
	{ arbitrary: fc.oneof(nested, hugeArray), weight: 1 },
	{ arbitrary: bytes, weight: 2 },
	{
		arbitrary: fc.constantFrom(
			'',
			'null',
			'{',
			'{"username":',
			'\ufeff{}',
			'{"username":"ada","password":"x"}garbage',
			'username=ada&password=correct+horse',
			'--x\r\nContent-Disposition: form-data; name="username"\r\n\r\nada\r\n--x--\r\n'
		),
		weight: 1
	},
	{ arbitrary: fc.constant(null), weight: 1 }
);
const contentType = fc.oneof(
	{ arbitrary: fc.constant('application/json'), weight: 4 },
	{
		arbitrary: fc.constantFrom(
			undefined,
			'application/json; charset=utf-8',
			'APPLICATION/JSON',
			'application/json-patch+json',
			'application/jsonx',
			'text/plain',
			'text/plain;charset=UTF-8',
			'multipart/form-data; boundary=x',
			'application/x-www-form-urlencoded',
			'',
			'*/*'
		),
		weight: 3
	}
);
const REAL = Symbol('a live session cookie');
const cookie = fc.oneof(
	{ arbitrary: fc.constant(undefined), weight: 2 },
	{ arbitrary: fc.constant(REAL), weight: 3 },
	{
		arbitrary: fc
			.string({ unit: 'grapheme-ascii', maxLength: 200 })
			.map((s) => `t10x_session=${s}`),
		weight: 2
	},
	{
		arbitrary: fc.constantFrom(
			't10x_session=',
			't10x_session',
			'=t10x_session',
			';;;',
			`t10x_session=${'a'.repeat(5000)}`,
			'other=1; t10x_session=x; t10x_session=y',
			't10x_session="quoted"'
		),
		weight: 1
	}
);
const CROSS_SITE = 'Sec-Fetch-Site: cross-site';
/** Mostly same-site, so the cross-site guard (403) does not hide what comes after it. */
const origin = fc.oneof(
	{ arbitrary: fc.constant(undefined), weight: 6 },
	{ arbitrary: fc.constant('same'), weight: 2 },
	{
		arbitrary: fc.constantFrom('https://evil.example', 'null', 'not a url', CROSS_SITE),
		weight: 2
	}
);
const fuzzedRequest = fc.record({
	body,
	contentType,
	cookie,
	origin,
	chunked: fc.boolean()
});
type Fuzzed = typeof fuzzedRequest extends fc.Arbitrary<infer T> ? T : never;
/** Embedding requests as raw JSON text: mostly near-valid, so the model runs as often as not. */
const embedText = fc.oneof(
	{ arbitrary: fc.lorem({ maxCount: 30 }), weight: 3 },
	{ arbitrary: oddString, weight: 2 },
	{ arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }), weight: 2 }
);
const embedTexts = fc.oneof(
	{ arbitrary: fc.array(embedText, { minLength: 1, maxLength: 8 }).map(json), weight: 6 },
	{ arbitrary: fc.array(embedText, { maxLength: 70 }).map(json), weight: 1 },
	{
		arbitrary: fc.constantFrom(
			json(Array.from({ length: 65 }, () => 'x')),
			json(Array.from({ length: 17 }, () => 'x'.repeat(4000))),
			json(['x'.repeat(4001)]),
			json(['\u0000'.repeat(4000)]),
			'["a",1,null]',
			'"not a list"'
		),
		weight: 1
	}
);
/** Like `member`, but right far more often: both fields must be right for the model to run. */
const likelyMember = (key: string, right: fc.Arbitrary<string>, wrong: fc.Arbitrary<string>) =>
	fc
		.option(
			fc.oneof(
				{ arbitrary: right, weight: 8 },
				{ arbitrary: wrong, weight: 1 },
				{ arbitrary: value, weight: 1 }
			),
			{ freq: 12 }
		)
		.map((text) => (text === null ? null : `${json(key)}:${text}`));
const embedBodyText = fc
	.tuple(
		likelyMember(
			'model',
			fc.constant(json('glove-sif-50k')),
			fc.constantFrom('no-such-model', 'GLOVE-SIF-50K', '', 'glove-sif-50k ').map(json)
		),
		likelyMember('texts', embedTexts, fc.constantFrom('[]', '[[]]', '{"0":"a"}')),
		fc.array(
			fc.tuple(
				fc.constantFrom(
					'__proto__',
					'constructor',
					'x',
					'__proto__',
					'constructor',
					'x',
					'texts',
					'model'
				),
				value
			),
			{ maxLength: 2 }
		)
	)
	.map(([model, texts, extra]) => {
		const members = [model, texts].filter((m) => m !== null);
		for (const [key, text] of extra) members.splice(members.length % 2, 0, `${json(key)}:${text}`);
		return `{${members.join(',')}}`;
	});
const fuzzedEmbedRequest = fc.record({
	body: fc.oneof({ arbitrary: embedBodyText, weight: 4 }, { arbitrary: body, weight: 2 }),
	contentType,
	// Signed in more often than elsewhere: most of this endpoint lies behind the session check.
	cookie: fc.oneof({ arbitrary: fc.constant(REAL), weight: 2 }, { arbitrary: cookie, weight: 1 }),
	origin,
	chunked: fc.boolean()
});
/** Path-safe characters only (node:http refuses others), stray '%' and latin-1 included. */
const pathChar = fc.oneof(
	{ arbitrary: fc.constantFrom(..."%0123456789abcdefABCDEFZz-._~!$&'()*+,;=:@"), weight: 20 },
	// Node's parser refuses raw latin-1 in a path (400 before the app): keep a little of it.
	{ arbitrary: fc.integer({ min: 0xa1, max: 0xff }).map((c) => String.fromCharCode(c)), weight: 1 }
);
const OWN = Symbol('the id of the session sending the request');
const OTHER = Symbol('the id of the account’s other device');
const deviceId = fc.oneof(
	{ arbitrary: fc.stringMatching(/^[a-f0-9]{24}$/), weight: 3 },
	{ arbitrary: fc.constantFrom(OWN, OTHER), weight: 1 },
	{ arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent), weight: 3 },
	{ arbitrary: fc.string({ unit: pathChar, maxLength: 40 }), weight: 3 },
	{
		arbitrary: fc.constantFrom('..', '.', '%2e%2e', '%2F', '%00', '%FF', '?x=1', 'x'.repeat(5000)),
		weight: 1
	}
);

// ---- Checks -----------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const isSession = (v: unknown) =>
	isObject(v) &&
	isObject(v.session) &&
	['userId', 'username', 'sessionId'].every(
		(key) => typeof (v.session as Record<string, unknown>)[key] === 'string'
	);
const isRelayToken = (v: unknown) =>
	isObject(v) && typeof v.token === 'string' && typeof v.expiresAt === 'number';
const isDevices = (v: unknown) =>
	isObject(v) &&
	Array.isArray(v.devices) &&
	v.devices.every(
		(d) =>
			isObject(d) &&
			typeof d.id === 'string' &&
			typeof d.name === 'string' &&
			typeof d.isCurrent === 'boolean'
	);
const isEmbedding = (v: unknown) =>
	isObject(v) &&
	typeof v.model === 'string' &&
	typeof v.version === 'string' &&
	typeof v.dims === 'number' &&
	Array.isArray(v.vectors) &&
	v.vectors.every(
		(row) => Array.isArray(row) && row.length === v.dims && row.every(Number.isFinite)
	) &&
	isObject(v.stats) &&
	v.stats.backend === 'server' &&
	v.stats.batch === v.vectors.length;
const isApiError = (v: unknown) =>
	isObject(v) &&
	isObject(v.error) &&
	(ERROR_CODES as readonly unknown[]).includes(v.error.code) &&
	typeof v.error.message === 'string';

interface Endpoint {
	name: string;
	method: string;
	/** 204 when it answers with no body. */
	success: number;
	shape?: (body: unknown) => boolean;
}

function check(endpoint: Endpoint, answer: Answer): void {
	expect(answer.status, answer.text).toBeLessThan(500);
	expect(answer.text).not.toMatch(STACK_FRAME);
	expect(answer.text).not.toContain(process.cwd());
	if (answer.status === 204) return expect(answer.text).toBe('');
	// Only Node's own parser errors (400 without a body) come back without JSON.
	if (answer.text === '') return expect(answer.status).toBe(400);
	expect(answer.contentType).toMatch(/^application\/json/);
	const parsed: unknown = JSON.parse(answer.text);
	if (answer.status === endpoint.success) expect(endpoint.shape?.(parsed), answer.text).toBe(true);
	else expect(isApiError(parsed), answer.text).toBe(true);
}

async function liveCookie(): Promise<Account> {
	live ??= await signIn(t.base, 'login', account.username, PASSWORD);
	return live;
}

/** Sends one fuzzed request to an endpoint, checks the answer, then that the server is healthy. */
async function exchange(endpoint: Endpoint, path: string, fuzzed: Fuzzed, session?: Account) {
	const answer = await send(t, {
		method: endpoint.method,
		path,
		headers: {
			'Content-Type': fuzzed.contentType,
			Cookie: fuzzed.cookie === REAL ? session!.cookie : fuzzed.cookie,
			Origin:
				fuzzed.origin === 'same' ? t.base : fuzzed.origin?.replace(CROSS_SITE, '') || undefined,
			'Sec-Fetch-Site': fuzzed.origin === CROSS_SITE ? 'cross-site' : undefined
		},
		body: fuzzed.body,
		chunked: fuzzed.chunked
	});
	const seen = statuses.get(endpoint.name) ?? new Map<number, number>();
	statuses.set(endpoint.name, seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1));
	check(endpoint, answer);
	const health = await send(t, { method: 'GET', path: '/healthz' });
	expect(health.status).toBe(200);
	return answer;
}

const endpoints: (Endpoint & { path: string })[] = [
	{ name: 'POST /api/auth/register', success: 201, shape: isSession },
	{ name: 'POST /api/auth/login', success: 200, shape: isSession },
	{ name: 'POST /api/auth/logout', success: 204 },
	{ name: 'POST /api/auth/relay-token', success: 200, shape: isRelayToken },
	{ name: 'GET /api/auth/session', success: 200, shape: isSession },
	{ name: 'GET /api/devices', success: 200, shape: isDevices }
].map((endpoint) => {
	const [method, path] = endpoint.name.split(' ');
	return { ...endpoint, method, path };
});

it.each(endpoints)(
	'$name never answers 5xx or an untyped error',
	async (endpoint) => {
		await fc.assert(
			fc.asyncProperty(fuzzedRequest, async (fuzzed) => {
				const session = fuzzed.cookie === REAL ? await liveCookie() : undefined;
				const answer = await exchange(endpoint, endpoint.path, fuzzed, session);
				// Logout ends the real session; the next real cookie is a new one.
				if (endpoint.path === '/api/auth/logout' && answer.status === 204 && session) {
					live = null;
				}
			}),
			RUNS
		);
	},
	60_000
);

it('POST /api/ai/embed never answers 5xx or an untyped error, whatever the texts', async () => {
	const endpoint: Endpoint = {
		name: 'POST /api/ai/embed',
		method: 'POST',
		success: 200,
		shape: isEmbedding
	};
	await fc.assert(
		fc.asyncProperty(fuzzedEmbedRequest, async (fuzzed) => {
			const session = fuzzed.cookie === REAL ? await liveCookie() : undefined;
			await exchange(endpoint, '/api/ai/embed', fuzzed, session);
		}),
		RUNS
	);
}, 60_000);

it('DELETE /api/devices/:id never answers 5xx or an untyped error, whatever the id', async () => {
	const endpoint: Endpoint = { name: 'DELETE /api/devices/:id', method: 'DELETE', success: 204 };
	await fc.assert(
		fc.asyncProperty(fuzzedRequest, deviceId, async (fuzzed, id) => {
			const session = fuzzed.cookie === REAL ? await liveCookie() : undefined;
			const target =
				id === OWN
					? (session?.sessionId ?? account.sessionId)
					: id === OTHER
						? otherDevice.sessionId
						: id;
			const answer = await exchange(endpoint, `/api/devices/${target}`, fuzzed, session);
			if (answer.status === 204 && id === OWN) live = null;
		}),
		RUNS
	);
}, 60_000);

it('answers 429, not 5xx, to any body once the attempt limit is spent', async () => {
	const limited = await startTestServer({ authAttemptsPerMinute: 3 });
	try {
		const attempt = (path: string, fuzzed?: { body: Sent['body']; contentType?: string }) =>
			send(limited, {
				method: 'POST',
				path,
				headers: { 'Content-Type': fuzzed?.contentType ?? 'application/json' },
				body: fuzzed ? fuzzed.body : json({ username: 'nobody', password: 'whatever123' })
			});
		for (let i = 0; i < 3; i++) expect((await attempt('/api/auth/login')).status).toBe(401);
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom('/api/auth/register', '/api/auth/login'),
				fc.record({ body, contentType }),
				async (path, fuzzed) => {
					const answer = await attempt(path, fuzzed);
					expect(answer.status).toBe(429);
					expect(JSON.parse(answer.text).error.code).toBe('rate_limited');
				}
			),
			{ seed: RUNS.seed, numRuns: 50 }
		);
	} finally {
		await limited.stop();
	}
});

afterAll(() => {
	const table = [...statuses].map(([name, seen]) => {
		const total = [...seen.values()].reduce((sum, n) => sum + n, 0);
		const codes = [...seen].sort(([a], [b]) => a - b).map(([code, n]) => `${code}×${n}`);
		return `${name}: ${total} requests (${codes.join(', ')})`;
	});
	console.info(`http-fuzz statuses (shrinking included):\n${table.join('\n')}`);
});
