import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMetrics, register, signIn, startTestServer, type TestServer } from './harness';

let t: TestServer;
beforeAll(async () => (t = await startTestServer()));
afterAll(() => t.stop());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
	fetch(`${t.base}${path}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', ...headers },
		body: JSON.stringify(body)
	});

describe('HTTP basics', () => {
	it('answers /healthz with security headers and /metrics in Prometheus format', async () => {
		const health = await fetch(`${t.base}/healthz`);
		expect(await health.json()).toEqual({ status: 'ok' });
		expect(health.headers.get('x-content-type-options')).toBe('nosniff');
		const metrics = await readMetrics(t.base);
		// Without the token, /metrics gives nothing away.
		const anonymous = await fetch(`${t.base}/metrics`);
		expect(anonymous.status).toBe(401);
		expect(await anonymous.text()).not.toContain('t10x_');
		for (const name of [
			't10x_relay_connections',
			't10x_relay_documents_loaded',
			't10x_relay_updates_total',
			't10x_relay_store_seconds',
			't10x_auth_failures_total'
		]) {
			expect(metrics).toContain(name);
		}
	});

	it('gives unknown API paths and wrong methods typed JSON errors', async () => {
		const missing = await fetch(`${t.base}/api/nope`);
		expect(missing.status).toBe(404);
		expect((await missing.json()).error.code).toBe('not_found');
		const wrong = await fetch(`${t.base}/api/auth/login`);
		expect(wrong.status).toBe(405);
		expect((await wrong.json()).error.code).toBe('method_not_allowed');
	});
});

describe('accounts', () => {
	it('registers, reads the session, signs out; the cookie is HttpOnly and the token hashed', async () => {
		const res = await post('/api/auth/register', {
			username: 'Ada_L',
			password: 'a long passphrase'
		});
		expect(res.status).toBe(201);
		const cookie = res.headers.get('set-cookie')!;
		expect(cookie).toMatch(/^t10x_session=[\w-]{43};/);
		expect(cookie).toContain('HttpOnly');
		expect(cookie).toContain('SameSite=Lax');
		const { session } = await res.json();
		expect(session.username).toBe('ada_l');

		const token = cookie.split(';')[0].split('=')[1];
		const stored = t.server.services.database.sqlite
			.prepare('SELECT token_hash FROM sessions')
			.all();
		expect(JSON.stringify(stored)).not.toContain(token);

		const headers = { Cookie: cookie.split(';')[0] };
		expect(
			(await (await fetch(`${t.base}/api/auth/session`, { headers })).json()).session.userId
		).toBe(session.userId);
		expect((await post('/api/auth/logout', {}, headers)).status).toBe(204);
		expect((await fetch(`${t.base}/api/auth/session`, { headers })).status).toBe(401);
	});

	it('stores passwords as argon2id', async () => {
		const { username } = await register(t.base);
		const row = t.server.services.database.sqlite
			.prepare('SELECT password_hash FROM users WHERE username = ?')
			.get(username) as { password_hash: string };
		expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
	});

	it('refuses a taken username, a wrong password and an unknown user with clear codes', async () => {
		const { username } = await register(t.base);
		const taken = await post('/api/auth/register', { username, password: 'whatever123' });
		expect(taken.status).toBe(409);
		expect((await taken.json()).error.code).toBe('username_taken');
		for (const body of [
			{ username, password: 'wrong password' },
			{ username: 'nobody_here', password: 'whatever123' }
		]) {
			const res = await post('/api/auth/login', body);
			expect(res.status).toBe(401);
			expect((await res.json()).error).toEqual({
				code: 'invalid_credentials',
				message: 'Wrong username or password.'
			});
		}
	});

	it.each([
		[{ username: 'ab', password: 'long enough' }, 'username'],
		[{ username: 'has space', password: 'long enough' }, 'username'],
		[{ username: 'fine', password: 'short' }, 'password'],
		[{ username: 'fine', password: 'x'.repeat(1025) }, 'password'],
		[{ username: 'fine' }, 'password'],
		[[], 'body'],
		['text', 'body']
	])('rejects %j naming %s', async (body, field) => {
		const res = await post('/api/auth/register', body);
		expect(res.status).toBe(400);
		const { error } = await res.json();
		expect(error.code).toBe('invalid_body');
		expect(error.message).toContain(field === 'body' ? '' : field);
	});

	it('rejects non-JSON, oversize and cross-site requests', async () => {
		const form = await fetch(`${t.base}/api/auth/login`, { method: 'POST', body: 'username=a' });
		expect(form.status).toBe(415);
		const huge = await post('/api/auth/login', { username: 'x', password: 'y'.repeat(20_000) });
		expect(huge.status).toBe(413);
		const crossSite = await post(
			'/api/auth/login',
			{ username: 'x', password: 'whatever123' },
			{ Origin: 'https://evil.example' }
		);
		expect(crossSite.status).toBe(403);
	});

	it('lists devices and revokes one: its token stops working at once', async () => {
		const first = await register(t.base);
		const second = await signIn(t.base, 'login', first.username, 'correct horse battery');
		const list = await (
			await fetch(`${t.base}/api/devices`, { headers: { Cookie: first.cookie } })
		).json();
		expect(list.devices.map((d: { id: string }) => d.id).sort()).toEqual(
			[first.sessionId, second.sessionId].sort()
		);
		expect(list.devices.find((d: { isCurrent: boolean }) => d.isCurrent).id).toBe(first.sessionId);

		const revoke = await fetch(`${t.base}/api/devices/${second.sessionId}`, {
			method: 'DELETE',
			headers: { Cookie: first.cookie }
		});
		expect(revoke.status).toBe(204);
		expect(
			(await fetch(`${t.base}/api/auth/session`, { headers: { Cookie: second.cookie } })).status
		).toBe(401);
		const again = await fetch(`${t.base}/api/devices/${second.sessionId}`, {
			method: 'DELETE',
			headers: { Cookie: first.cookie }
		});
		expect(again.status).toBe(404);
	});

	it("cannot revoke another user's device", async () => {
		const alice = await register(t.base);
		const bob = await register(t.base);
		const res = await fetch(`${t.base}/api/devices/${bob.sessionId}`, {
			method: 'DELETE',
			headers: { Cookie: alice.cookie }
		});
		expect(res.status).toBe(404);
		expect(
			(await fetch(`${t.base}/api/auth/session`, { headers: { Cookie: bob.cookie } })).status
		).toBe(200);
	});
});

describe('rate limits', () => {
	it('limits attempts per address and failed logins per username', async () => {
		const limited = await startTestServer({ authAttemptsPerMinute: 3 });
		try {
			const statuses = [];
			for (let i = 0; i < 5; i++) {
				statuses.push(
					(
						await fetch(`${limited.base}/api/auth/login`, {
							method: 'POST',
							headers: { 'Content-Type': 'application/json' },
							body: JSON.stringify({ username: 'nobody', password: 'whatever123' })
						})
					).status
				);
			}
			expect(statuses).toEqual([401, 401, 401, 429, 429]);
		} finally {
			await limited.stop();
		}
		const { username } = await register(t.base);
		const failures = [];
		for (let i = 0; i < 12; i++) {
			failures.push(
				(await post('/api/auth/login', { username, password: 'not the password' })).status
			);
		}
		expect(failures.slice(0, 10).every((s) => s === 401)).toBe(true);
		expect(failures.slice(10)).toEqual([429, 429]);
	});

	it('never lets guesses from one address lock the owner out from another', async () => {
		const { username } = await register(t.base);
		const attacker = [];
		for (let i = 0; i < 12; i++) {
			attacker.push((await loginFrom('127.0.0.2', username, 'a wrong guess')).status);
		}
		expect(attacker.slice(10)).toEqual([429, 429]);
		const refused = await loginFrom('127.0.0.2', username, 'a wrong guess');
		expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
		// The owner, elsewhere, signs in at once with the right password.
		expect((await loginFrom('127.0.0.3', username, 'correct horse battery')).status).toBe(200);
	});
});

/** A login sent from a chosen loopback address (the server limits by socket address). */
function loginFrom(
	localAddress: string,
	username: string,
	password: string
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
	const url = new URL('/api/auth/login', t.base);
	return new Promise((resolve, reject) => {
		const req = request(
			url,
			{ method: 'POST', localAddress, headers: { 'Content-Type': 'application/json' } },
			(res) => {
				res.resume();
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
			}
		);
		req.on('error', reject);
		req.end(JSON.stringify({ username, password }));
	});
}
