import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import type { PushMessage } from '../../server/services/push-delivery';
import { startMockPushService, type MockPushService } from '../fixtures/mock-push-service';
import { METRICS_TOKEN, readMetrics, register, type Account } from './harness';

/**
 * Web Push end to end without internet: the real server (a child process, see
 * push-server-process.ts for why) encrypts and signs with the real web-push and its own VAPID
 * keys; web-push-testing, on loopback in this process, checks the VAPID JWT and decrypts.
 */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const entry = fileURLToPath(new URL('./push-server-process.ts', import.meta.url));

let mock: MockPushService;
let dataDir: string;
let child: ChildProcess;
let base: string;
let stdout = '';
let settledCount = 0;

beforeAll(async () => {
	mock = await startMockPushService();
	dataDir = mkdtempSync(join(tmpdir(), 't10x-push-it-'));
	child = spawn(process.execPath, ['--import', 'tsx', entry], {
		cwd: repoRoot,
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			NODE_EXTRA_CA_CERTS: mock.certFile,
			PUSH_ENDPOINT_HOSTS: '127.0.0.1',
			AUTH_ATTEMPTS_PER_MINUTE: '1000',
			METRICS_TOKEN
		},
		stdio: ['pipe', 'pipe', 'inherit']
	});
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
	const port = await waitFor(() => /^READY (\d+)$/m.exec(stdout)?.[1], 'the server to start');
	base = `http://127.0.0.1:${port}`;
}, 30_000);

afterAll(async () => {
	if (child?.exitCode === null) {
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.stdin!.end();
		await Promise.race([exited, sleep(5000)]);
		child.kill('SIGKILL');
	}
	await mock?.close();
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls what the child printed: its output is the only event there is to wait on. */
async function waitFor<T>(read: () => T | undefined, what: string, timeoutMs = 15_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = read();
		if (value !== undefined) return value;
		if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`);
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await sleep(10);
	}
}

/** Hands a message to the server's PushDelivery and waits until every send has finished. */
async function deliver(account: Account, message: PushMessage): Promise<void> {
	const target = ++settledCount;
	child.stdin!.write(`${JSON.stringify({ userId: account.userId, message })}\n`);
	await waitFor(
		() => (stdout.match(/^SETTLED$/gm)?.length ?? 0) >= target || undefined,
		'the push queue to settle'
	);
}

async function api(account: Account, method: string, path: string, body?: unknown) {
	const res = await fetch(`${base}${path}`, {
		method,
		headers: { Cookie: account.cookie, 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

function storedEndpoints(): string[] {
	const db = new Database(join(dataDir, 'thoughts10x.sqlite'), { fileMustExist: true });
	try {
		return db
			.prepare<[], { endpoint: string }>('SELECT endpoint FROM push_subscriptions')
			.all()
			.map((row) => row.endpoint);
	} finally {
		db.close();
	}
}

async function pushMetrics(): Promise<Record<string, number>> {
	const text = await readMetrics(base);
	const lines = [...text.matchAll(/^t10x_push_messages_total\{outcome="(\w+)"\} (\d+)$/gm)];
	return Object.fromEntries(lines.map(([, outcome, n]) => [outcome, Number(n)]));
}

const follow: PushMessage = {
	type: 'follow',
	title: 'New follower',
	body: 'bob followed you',
	url: '/notifications'
};

describe('Web Push through a local push service', () => {
	it('delivers a VAPID-signed, aes128gcm-encrypted payload; drops the device on 410', async () => {
		const ana = await register(base);
		const { status, body: key } = await api(ana, 'GET', '/api/push/key');
		expect(status).toBe(200);
		// The same key on every start: it lives in the data dir.
		expect(key.publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);

		const phone = await mock.subscribe(key.publicKey);
		expect((await api(ana, 'POST', '/api/push/subscriptions', phone.json)).status).toBe(204);
		// A device subscribed with another server's key: the mock must refuse our signature.
		const stranger = await mock.subscribe(webpush.generateVAPIDKeys().publicKey);
		expect((await api(ana, 'POST', '/api/push/subscriptions', stranger.json)).status).toBe(204);

		await deliver(ana, follow);
		expect((await mock.messages(phone.clientHash)).map((m) => JSON.parse(m))).toEqual([follow]);
		expect(await mock.messages(stranger.clientHash)).toEqual([]);
		expect(await pushMetrics()).toEqual({ sent: 1, failed: 1 });

		// A switched-off type is not sent at all; the others still are.
		const off = { follow: false, like: true, reply: true, post: true };
		expect((await api(ana, 'PUT', '/api/notification-settings', off)).body).toEqual(off);
		await deliver(ana, { ...follow, title: 'Another follower' });
		const like: PushMessage = { type: 'like', title: 'New like', body: 'cy liked', url: '/' };
		await deliver(ana, like);
		expect((await mock.messages(phone.clientHash)).map((m) => JSON.parse(m))).toEqual([
			follow,
			like
		]);

		// The browser unsubscribed: the push service answers 410 and the server forgets the device.
		await mock.expire(phone.clientHash);
		expect(storedEndpoints()).toContain(phone.json.endpoint);
		await deliver(ana, like);
		expect(storedEndpoints()).not.toContain(phone.json.endpoint);
		expect(storedEndpoints()).toContain(stranger.json.endpoint);
		expect(await pushMetrics()).toMatchObject({ sent: 2, gone: 1, switched_off: 1 });
	}, 30_000);
});
