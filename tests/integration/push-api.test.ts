import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { MAX_DEVICES_PER_USER } from '../../server/services/push.service';
import { register, startTestServer, type Account, type TestServer } from './harness';

let t: TestServer;
let ana: Account;
let bob: Account;

beforeAll(async () => {
	t = await startTestServer({
		push: { ...loadConfig({}).push, requestsPerMinute: 1_000_000, endpointHosts: ['push.example'] }
	});
	ana = await register(t.base);
	bob = await register(t.base);
});
afterAll(() => t.stop());

const device = (n: number | string) => ({
	endpoint: `https://push.example/send/${n}`,
	expirationTime: null,
	keys: { p256dh: `B${'p'.repeat(86)}`, auth: 'a'.repeat(22) }
});

async function call(
	server: TestServer,
	account: Account | null,
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {}
) {
	const res = await fetch(`${server.base}${path}`, {
		method,
		headers: {
			...(account ? { Cookie: account.cookie } : {}),
			...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
			...headers
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

const endpointsOf = (account: Account) =>
	t.server.services.database.sqlite
		.prepare<[string], { endpoint: string }>(
			'SELECT endpoint FROM push_subscriptions WHERE user_id = ? ORDER BY id'
		)
		.all(account.userId)
		.map((row) => row.endpoint);

describe('push API', () => {
	it('asks for a session on every endpoint, and refuses cross-site changes', async () => {
		for (const [method, path, body] of [
			['GET', '/api/push/key'],
			['POST', '/api/push/subscriptions', device(0)],
			['DELETE', '/api/push/subscriptions', { endpoint: device(0).endpoint }],
			['GET', '/api/notification-settings'],
			['PUT', '/api/notification-settings', { follow: true, like: true, reply: true, post: true }]
		] as const) {
			const anonymous = await call(t, null, method, path, body);
			expect(anonymous.status, `${method} ${path}`).toBe(401);
			expect(anonymous.body.error.code).toBe('unauthenticated');
			if (method === 'GET') continue;
			const crossSite = await call(t, ana, method, path, body, { Origin: 'https://evil.example' });
			expect(crossSite.status, `${method} ${path}`).toBe(403);
		}
		expect(endpointsOf(ana)).toEqual([]);
	});

	it('hands out one stable VAPID public key', async () => {
		const first = await call(t, ana, 'GET', '/api/push/key');
		const second = await call(t, bob, 'GET', '/api/push/key');
		expect(first.body).toEqual(second.body);
		expect(first.body.publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
	});

	it('names the field that is wrong', async () => {
		const bad = { ...device(1), endpoint: 'http://push.example/x' };
		const answer = await call(t, ana, 'POST', '/api/push/subscriptions', bad);
		expect(answer).toEqual({
			status: 400,
			body: {
				error: { code: 'invalid_body', message: 'endpoint: The endpoint must be an https URL.' }
			}
		});
		const noKeys = await call(t, ana, 'POST', '/api/push/subscriptions', { endpoint: 'x' });
		expect(noKeys.status).toBe(400);
	});

	it('lets a user forget only their own devices', async () => {
		expect((await call(t, ana, 'POST', '/api/push/subscriptions', device('ana'))).status).toBe(204);
		const other = await call(t, bob, 'DELETE', '/api/push/subscriptions', {
			endpoint: device('ana').endpoint
		});
		// Nothing says whether the endpoint exists for someone else.
		expect(other.status).toBe(204);
		expect(endpointsOf(ana)).toEqual([device('ana').endpoint]);
		const own = await call(t, ana, 'DELETE', '/api/push/subscriptions', {
			endpoint: device('ana').endpoint
		});
		expect(own.status).toBe(204);
		expect(endpointsOf(ana)).toEqual([]);
	});

	it(`keeps a user's newest ${MAX_DEVICES_PER_USER} devices`, async () => {
		for (let n = 0; n < MAX_DEVICES_PER_USER + 3; n++) {
			expect((await call(t, bob, 'POST', '/api/push/subscriptions', device(n))).status).toBe(204);
		}
		expect(endpointsOf(bob)).toHaveLength(MAX_DEVICES_PER_USER);
		expect(endpointsOf(bob)).not.toContain(device(0).endpoint);
		expect(endpointsOf(bob)).toContain(device(MAX_DEVICES_PER_USER + 2).endpoint);
	});

	it('keeps per-type switches per user, all on by default', async () => {
		const all = { follow: true, like: true, reply: true, post: true };
		expect((await call(t, ana, 'GET', '/api/notification-settings')).body).toEqual(all);
		const mine = { follow: false, like: true, reply: false, post: true };
		expect(await call(t, ana, 'PUT', '/api/notification-settings', mine)).toEqual({
			status: 200,
			body: mine
		});
		expect((await call(t, ana, 'GET', '/api/notification-settings')).body).toEqual(mine);
		expect((await call(t, bob, 'GET', '/api/notification-settings')).body).toEqual(all);
		const partial = await call(t, ana, 'PUT', '/api/notification-settings', { like: false });
		expect(partial.status).toBe(400);
	});

	it('accepts only the browsers’ push services by default', async () => {
		const strict = await startTestServer();
		try {
			const erin = await register(strict.base);
			const to = (endpoint: string) =>
				call(strict, erin, 'POST', '/api/push/subscriptions', { ...device('x'), endpoint });
			expect((await to('https://fcm.googleapis.com/fcm/send/abc')).status).toBe(204);
			expect((await to('https://wns2-par02p.notify.windows.com/w/?token=abc')).status).toBe(204);
			for (const internal of [
				'https://127.0.0.1/x',
				'https://metadata.internal/x',
				'https://fcm.googleapis.com.evil.example/x',
				'https://push.example/x'
			]) {
				const refused = await to(internal);
				expect(refused.status, internal).toBe(400);
			}
		} finally {
			await strict.stop();
		}
	});

	it('answers 429 once a user has spent the minute’s allowance', async () => {
		const limited = await startTestServer({
			push: { ...loadConfig({}).push, requestsPerMinute: 3, endpointHosts: ['push.example'] }
		});
		try {
			const carol = await register(limited.base);
			const dave = await register(limited.base);
			for (let i = 0; i < 3; i++) {
				expect((await call(limited, carol, 'GET', '/api/push/key')).status).toBe(200);
			}
			const refused = await call(limited, carol, 'GET', '/api/notification-settings');
			expect(refused.status).toBe(429);
			expect(refused.body.error.code).toBe('rate_limited');
			// Per user, not per server.
			expect((await call(limited, dave, 'GET', '/api/push/key')).status).toBe(200);
		} finally {
			await limited.stop();
		}
	});
});
