import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import type { Handler } from './http/app';
import { startServer, stopServer } from './server';

let server: Server;
let base: string;
const dataDir = mkdtempSync(join(tmpdir(), 't10x-server-'));

// Stands in for build/handler.js: answers /kit, passes everything else on.
const kit: Handler = (req, res, next) => {
	if (req.url === '/kit') res.end('from kit');
	else next?.();
};

beforeAll(async () => {
	server = await startServer(
		{ ...loadConfig({ PORT: '0', DATA_DIR: join(dataDir, 'nested') }) },
		kit
	);
	const address = server.address();
	base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
	await stopServer(server, 100);
	rmSync(dataDir, { recursive: true, force: true });
});

describe('server', () => {
	it('answers /healthz and sets security headers', async () => {
		const res = await fetch(`${base}/healthz`);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ status: 'ok' });
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('x-frame-options')).toBe('DENY');
	});

	it('hands other paths to SvelteKit and 404s what nobody serves', async () => {
		expect(await (await fetch(`${base}/kit`)).text()).toBe('from kit');
		const missing = await fetch(`${base}/nope`);
		expect(missing.status).toBe(404);
		expect(await missing.json()).toEqual({ error: 'not_found' });
	});

	it('refuses WebSocket upgrades until the relay exists', async () => {
		const { request } = await import('node:http');
		const closed = await new Promise<boolean>((resolve) => {
			const req = request(`${base}/sync`, {
				headers: { Connection: 'Upgrade', Upgrade: 'websocket' }
			});
			req.on('upgrade', () => resolve(false));
			req.on('error', () => resolve(true));
			req.end();
		});
		expect(closed).toBe(true);
	});
});
