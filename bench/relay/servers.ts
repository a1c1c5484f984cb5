import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BENCH_METRICS_TOKEN } from '../lib/metrics-token';

/**
 * What the relay benchmarks share: the three servers as child processes (ours, bare Hocuspocus
 * 3.4, the y-websocket reference server) and /proc readings of a child. Clients: clients.ts.
 */

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type ServerKind = 'ours' | 'hocuspocus' | 'y-websocket';

// ---------------------------------------------------------------------------------------------
// Child processes: tracked so every exit path (normal, error, SIGINT, hard limit) kills them.

const children = new Set<ChildProcess>();
// Every y-websocket provider adds a process 'exit' listener; hundreds of them are expected here.
process.setMaxListeners(0);

export function killAll(signal: NodeJS.Signals = 'SIGKILL') {
	for (const child of children) {
		if (child.exitCode === null && child.signalCode === null) child.kill(signal);
	}
}
process.on('exit', () => killAll());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		console.error(`\n${signal}: stopping servers`);
		killAll();
		process.exit(130);
	});
}

export interface RunningServer {
	kind: ServerKind;
	pid: number;
	port: number;
	child: ChildProcess;
	/** Resolves when the process has gone (after cleanup() or by itself). */
	exited: Promise<void>;
	/** Runs a full GC in the server (only with `startServer(kind, { gc: true })`). */
	collectGarbage(): Promise<HeapAfterGc>;
	cleanup(): void;
}

/** What the server's own process.memoryUsage() reports right after the GC. */
export interface HeapAfterGc {
	heapUsed: number;
	external: number;
}

export interface StartOptions {
	/**
	 * Starts Node with --expose-gc and a SIGUSR2 handler that runs gc() and prints
	 * `GC:<heapUsed>,<external>`, so a memory reading need not depend on where the GC's sawtooth
	 * happens to be.
	 */
	gc?: boolean;
	/** Ours only: run on this data dir (kept on cleanup) instead of a fresh temporary one. */
	dataDir?: string;
	/** Extra options for the server's Node (V8 flags and the like). */
	nodeArgs?: string[];
}

const GC_ON_SIGNAL = [
	'--expose-gc',
	'--import=data:text/javascript,' +
		"process.on('SIGUSR2',()=>{globalThis.gc();const m=process.memoryUsage();" +
		"process.stdout.write('GC:'+m.heapUsed+','+m.external+'\\n')})"
];

export async function startServer(
	kind: ServerKind,
	options: StartOptions = {}
): Promise<RunningServer> {
	let dataDir: string | undefined;
	let args: string[];
	const env: NodeJS.ProcessEnv = {
		...process.env,
		HOST: '127.0.0.1',
		METRICS_TOKEN: BENCH_METRICS_TOKEN
	};
	let port = 0;
	if (kind === 'ours') {
		dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 't10x-bench-'));
		args = ['--import', 'tsx', 'tests/integration/server-process.ts'];
		// Registration is rate limited per address; the bench registers every user from loopback.
		Object.assign(env, { PORT: '0', DATA_DIR: dataDir, AUTH_ATTEMPTS_PER_MINUTE: '1000000' });
	} else if (kind === 'hocuspocus') {
		args = ['--import', 'tsx', 'bench/relay/hocuspocus-server.ts'];
		env.PORT = '0';
	} else {
		// The reference server as shipped (its own bin), so nothing of ours sits in its path.
		port = await freePort();
		args = ['node_modules/@y/websocket-server/src/server.js'];
		env.PORT = String(port);
	}
	args = [...(options.nodeArgs ?? []), ...(options.gc ? GC_ON_SIGNAL : []), ...args];
	const child = spawn(process.execPath, args, {
		cwd: ROOT,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	children.add(child);
	const exited = new Promise<void>((resolveExit) =>
		child.once('exit', () => {
			children.delete(child);
			resolveExit();
		})
	);
	let stderr = '';
	child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
	const ready = new Promise<number>((resolveReady, reject) => {
		let out = '';
		const timer = setTimeout(() => reject(new Error(`${kind} did not start: ${stderr}`)), 60_000);
		child.stdout!.on('data', (chunk) => {
			out += chunk;
			const ours = /READY (\d+)/.exec(out);
			if (ours || /running at/.test(out)) {
				clearTimeout(timer);
				resolveReady(ours ? Number(ours[1]) : port);
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`${kind} exited (${code}) before READY: ${stderr}`));
		});
	});
	port = await ready;
	const gcDone: ((heap: HeapAfterGc) => void)[] = [];
	let lines = '';
	child.stdout!.on('data', (chunk) => {
		lines += chunk;
		const complete = lines.split('\n');
		lines = complete.pop()!;
		for (const line of complete) {
			const gc = /^GC:(\d+),(\d+)$/.exec(line);
			if (gc) gcDone.shift()?.({ heapUsed: Number(gc[1]), external: Number(gc[2]) });
		}
	});
	return {
		kind,
		pid: child.pid!,
		port,
		child,
		exited,
		collectGarbage() {
			if (!options.gc) return Promise.reject(new Error(`${kind} was started without gc`));
			const done = new Promise<HeapAfterGc>((resolveGc) => gcDone.push(resolveGc));
			child.kill('SIGUSR2');
			return withTimeout(done, 10_000, `${kind} GC`);
		},
		cleanup() {
			child.kill('SIGKILL');
			if (dataDir && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/** CPU seconds (user + system) and RSS of a child, from /proc: works for any child unchanged. */
export function procStats(pid: number): { cpuSeconds: number; rssBytes: number } {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	// Fields 14 and 15 of stat (utime, stime) in clock ticks; 100 Hz on Linux x86-64/arm64.
	const ticks = Number(fields[11]) + Number(fields[12]);
	const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
	return { cpuSeconds: ticks / 100, rssBytes: rssPages * 4096 };
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

export async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>) {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(concurrency, count) }, async () => {
			while (next < count) await task(next++);
		})
	);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
		})
	]);
}

/** Polls a condition that the traffic will make true, up to a deadline. */
export async function waitFor(
	check: () => boolean | Promise<boolean>,
	ms: number,
	what: string
): Promise<void> {
	const deadline = performance.now() + ms;
	while (!(await check())) {
		if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what}`);
		await sleep(50);
	}
}

export function argValue(name: string) {
	const i = process.argv.indexOf(name);
	return i >= 0 ? process.argv[i + 1] : undefined;
}
