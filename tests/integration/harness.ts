import { HocuspocusProviderWebsocket, type HocuspocusProvider } from '@hocuspocus/provider';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { loadConfig, type Config } from '../../server/config';
import { startServer, type RunningServer } from '../../server/server';
import { AckedProvider } from '../../src/lib/replica/acked-provider';

export interface TestServer {
	server: RunningServer;
	base: string;
	wsUrl: string;
	dataDir: string;
	stop(options?: { keepData?: boolean }): Promise<void>;
}

/** Stands in for the SvelteKit build: the API and relay tests never need pages. */
const noPages = (_req: IncomingMessage, res: ServerResponse) => {
	res.writeHead(404);
	res.end();
};

/** The /metrics bearer token every test server is started with. */
export const METRICS_TOKEN = 'test-metrics-token-0123456789';

/** A server's /metrics text, read as a scraper would. */
export async function readMetrics(base: string): Promise<string> {
	const res = await fetch(`${base}/metrics`, {
		headers: { Authorization: `Bearer ${METRICS_TOKEN}` }
	});
	if (!res.ok) throw new Error(`/metrics answered ${res.status}`);
	return res.text();
}

/** A real server on port 0 with a temporary SQLite data dir. */
export async function startTestServer(
	overrides: Partial<Omit<Config, 'ai'>> & { ai?: Partial<Config['ai']> } = {},
	dataDir = mkdtempSync(join(tmpdir(), 't10x-it-'))
): Promise<TestServer> {
	const defaults = loadConfig({ PORT: '0', DATA_DIR: dataDir });
	const config: Config = {
		...defaults,
		authAttemptsPerMinute: 1_000_000,
		publicPagesPerMinute: 1_000_000,
		social: { readsPerMinute: 1_000_000, writesPerMinute: 1_000_000 },
		metricsToken: METRICS_TOKEN,
		...overrides,
		ai: { ...defaults.ai, requestsPerMinute: 1_000_000, ...overrides.ai }
	};
	const server = await startServer(config, noPages);
	const base = `http://127.0.0.1:${server.port}`;
	return {
		server,
		base,
		wsUrl: `ws://127.0.0.1:${server.port}/sync`,
		dataDir,
		async stop({ keepData = false } = {}) {
			await server.stop();
			if (!keepData) rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

export interface Account {
	cookie: string;
	userId: string;
	sessionId: string;
	username: string;
}

let counter = 0;

export async function register(
	base: string,
	username = `user_${process.pid}_${++counter}`
): Promise<Account> {
	return signIn(base, 'register', username, 'correct horse battery');
}

export async function signIn(
	base: string,
	action: 'register' | 'login',
	username: string,
	password: string
): Promise<Account> {
	const res = await fetch(`${base}/api/auth/${action}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ username, password, deviceName: `test ${action}` })
	});
	if (!res.ok) throw new Error(`${action} failed: ${res.status} ${await res.text()}`);
	const { session } = await res.json();
	const cookie = res.headers.get('set-cookie')!.split(';')[0];
	return { cookie, userId: session.userId, sessionId: session.sessionId, username };
}

export async function relayToken(base: string, account: Account): Promise<string> {
	const res = await fetch(`${base}/api/auth/relay-token`, {
		method: 'POST',
		headers: { Cookie: account.cookie }
	});
	if (!res.ok) throw new Error(`relay token: ${res.status}`);
	return (await res.json()).token;
}

/** A ws client that sends the session cookie, and never crashes the test on socket errors. */
export function cookieSocket(cookie: string) {
	return class extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, { headers: { Cookie: cookie } });
			this.on('error', () => {});
		}
	};
}

export interface Client {
	socket: HocuspocusProviderWebsocket;
	open(name: string, doc?: Y.Doc): HocuspocusProvider;
	destroy(): void;
}

/** One device: one shared socket, any number of documents attached to it. */
export function connectClient(
	server: Pick<TestServer, 'base' | 'wsUrl'>,
	account: Account
): Client {
	const socket = new HocuspocusProviderWebsocket({
		url: server.wsUrl,
		WebSocketPolyfill: cookieSocket(account.cookie),
		// Reconnect fast: restarts in the crash tests should not wait on backoff.
		delay: 50,
		minDelay: 50,
		maxDelay: 500
	});
	const providers: HocuspocusProvider[] = [];
	return {
		socket,
		open(name, doc = new Y.Doc()) {
			const provider = new AckedProvider({
				websocketProvider: socket,
				name,
				document: doc,
				token: () => relayToken(server.base, account)
			});
			provider.attach();
			providers.push(provider);
			return provider;
		},
		destroy() {
			for (const provider of providers) provider.destroy();
			socket.destroy();
		}
	};
}

/** Resolves once the provider has synced and the relay has acknowledged every local change. */
export function settled(provider: HocuspocusProvider, timeoutMs = 10_000): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`${provider.configuration.name} did not settle`)),
			timeoutMs
		);
		const check = () => {
			if (provider.isSynced && !provider.hasUnsyncedChanges) {
				clearTimeout(timer);
				provider.off('synced', check);
				provider.off('unsyncedChanges', check);
				resolve();
			}
		};
		provider.on('synced', check);
		provider.on('unsyncedChanges', check);
		check();
	});
}

/** Waits for a condition that events will make true; polls because Yjs has many event paths. */
export async function eventually(
	check: () => boolean,
	timeoutMs = 10_000,
	what = 'condition'
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
