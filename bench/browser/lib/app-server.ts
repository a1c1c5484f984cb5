import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../../lib/report';
import { killOnExit, onTeardown } from './teardown';
import { BENCH_METRICS_TOKEN, METRICS_HEADERS } from '../../lib/metrics-token';

/**
 * The production server (`node dist/server/main.js`, as `npm start` and the e2e suite run it) on
 * a free port with a temporary DATA_DIR. The browser benchmarks measure the built app, so a
 * missing or stale build is rebuilt first.
 */

const BUILD_OUTPUTS = ['dist/server/main.js', 'build/handler.js'];
const BUILD_INPUTS = ['src', 'sync', 'server', 'static', 'svelte.config.js', 'vite.config.ts'];
const HEALTH_TIMEOUT_MS = 30_000;

function newestMtime(target: string): number {
	if (!existsSync(target)) return 0;
	const stat = statSync(target);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const name of readdirSync(target)) {
		newest = Math.max(newest, newestMtime(path.join(target, name)));
	}
	return newest;
}

/** Runs `npm run build` when an output is missing or older than any source it is built from. */
export function ensureBuild(): void {
	const outputs = BUILD_OUTPUTS.map((file) => path.join(ROOT, file));
	const builtAt = Math.min(
		...outputs.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0))
	);
	const changedAt = Math.max(...BUILD_INPUTS.map((input) => newestMtime(path.join(ROOT, input))));
	if (builtAt > changedAt) return;
	console.log('browser bench: the production build is missing or stale, running npm run build…');
	// BENCH_BUILD_LOCK names a lock file builds on a shared machine take turns on (flock(1)).
	const lock = process.env.BENCH_BUILD_LOCK;
	const [program, ...args] = [...(lock ? ['flock', lock] : []), 'npm', 'run', 'build'];
	const result = spawnSync(program, args, { cwd: ROOT, encoding: 'utf8' });
	if (result.status !== 0) {
		throw new Error(`npm run build failed (exit ${result.status}):\n${result.stderr.slice(-4000)}`);
	}
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

export interface AppServer {
	base: string;
	stop(): Promise<void>;
}

export async function startAppServer(): Promise<AppServer> {
	const port = await freePort();
	const dataDir = mkdtempSync(path.join(tmpdir(), 't10x-bench-data-'));
	const child = spawn(process.execPath, ['dist/server/main.js'], {
		cwd: ROOT,
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			// Every round signs a new device in: the default 20 a minute would refuse some.
			AUTH_ATTEMPTS_PER_MINUTE: '1000000',
			METRICS_TOKEN: BENCH_METRICS_TOKEN
		},
		stdio: ['ignore', 'ignore', 'pipe']
	});
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
	const forget = killOnExit(() => child.kill('SIGKILL'));
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(timer);
		}
		forget();
		rmSync(dataDir, { recursive: true, force: true });
	};
	onTeardown(stop);
	const base = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + HEALTH_TIMEOUT_MS;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`server exited at start:\n${stderr}`);
		const healthy = await fetch(`${base}/healthz`).then(
			(res) => res.ok,
			() => false
		);
		if (healthy) break;
		if (Date.now() > deadline) throw new Error(`server not healthy after 30 s:\n${stderr}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return { base, stop };
}

/** How many documents the relay holds in memory (0: the next sync loads them from SQLite). */
export async function relayDocumentsLoaded(base: string): Promise<number> {
	const text = await (await fetch(`${base}/metrics`, { headers: METRICS_HEADERS })).text();
	const line = text.split('\n').find((l) => l.startsWith('t10x_relay_documents_loaded'));
	return Number(line?.split(' ').at(-1) ?? NaN);
}

/**
 * Waits until the relay has stored and unloaded every document, so each round syncs from SQLite
 * as a new device would. Returns false if it did not happen in time (reported, not fatal).
 */
export async function relayUnloaded(base: string, timeoutMs = 30_000): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if ((await relayDocumentsLoaded(base)) === 0) return true;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return false;
}
