import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, startTestServer, type TestServer } from './harness';

/**
 * Public links come from the configured ORIGIN (or the listen address), never from the Host
 * header; the same-origin check compares the scheme as well as the host.
 */
let plain: TestServer;
let configured: TestServer;
let handle: string;

beforeAll(async () => {
	plain = await startTestServer();
	configured = await startTestServer({ origin: 'https://thoughts.example' });
	handle = (await register(plain.base)).username;
	await register(configured.base, handle);
});
afterAll(async () => {
	await plain?.stop();
	await configured?.stop();
});

/** A GET with a Host header of the caller's choosing (fetch cannot set Host). */
function getWithHost(base: string, path: string, host: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const req = request(new URL(path, base), { headers: { Host: host } }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => (body += chunk));
			res.on('end', () => resolve(body));
		});
		req.on('error', reject);
		req.end();
	});
}

describe('public links', () => {
	it('never echo a forged Host header', async () => {
		for (const path of [`/@${handle}`, `/@${handle}/rss.xml`]) {
			const body = await getWithHost(plain.base, path, 'evil.example');
			expect(body).not.toContain('evil.example');
			expect(body).toContain(`http://127.0.0.1:${plain.server.port}/@${handle}`);
		}
	});

	it('use ORIGIN when it is configured', async () => {
		const body = await getWithHost(configured.base, `/@${handle}`, 'evil.example');
		expect(body).toContain(`https://thoughts.example/@${handle}`);
		expect(body).not.toContain('evil.example');
	});
});

describe('same-origin check', () => {
	const login = (origin: string) =>
		fetch(`${plain.base}/api/auth/login`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Origin: origin },
			body: JSON.stringify({ username: handle, password: 'not the password' })
		});

	it('refuses the same host under another scheme', async () => {
		const host = `127.0.0.1:${plain.server.port}`;
		expect((await login(`https://${host}`)).status).toBe(403);
		expect((await login(`http://${host}`)).status).toBe(401);
	});
});
