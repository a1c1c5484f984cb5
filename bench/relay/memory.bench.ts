import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { generateThoughts } from '../../scripts/seed-data';
import { addThought } from '../../sync/doc/shard-doc';
import { newThoughtId } from '../../sync/ids';
import {
	fmt,
	formatBenchmarksFile,
	isQuick,
	percentile,
	reportSummary,
	writeSection
} from '../lib/report';
import { hocuspocusDevice, openDocuments, relayToken, signUp, type Device } from './clients';
import { kib, report, type DocLoad, type LoadName, type Reading, type Run } from './memory-report';
import {
	argValue,
	killAll,
	pool,
	procStats,
	sleep,
	startServer,
	waitFor,
	withTimeout,
	type RunningServer,
	type ServerKind
} from './servers';
import { METRICS_HEADERS } from '../lib/metrics-token';

/**
 * Relay memory (issue 5, item 6): server RSS per connected client and per loaded document, ours
 * against bare Hocuspocus 3.4, alternating, medians over repetitions. Each run is one server
 * process that takes three loads in turn, reading RSS before the first and after each:
 *   1. N idle authenticated clients, one socket each, each on its own document with one thought;
 *   2. M documents of K thoughts, opened by one device (DOCS_PER_SOCKET documents per socket);
 *   3. the same with full shards (1,000 thoughts, SHARD_CAPACITY).
 * Loads only add (nothing closes in between), so each delta is that load's own cost. Our server
 * loads the documents from SQLite (see prepareOurs); bare Hocuspocus stores nothing, so there
 * the device uploads the same content once synced.
 *
 *   npx tsx bench/relay/memory.bench.ts [--quick] [--reps N] [--no-write]
 */

const WRITE = !process.argv.includes('--no-write');
const REPS = Number(argValue('--reps') ?? (isQuick ? 2 : 3));
const SERVERS: ServerKind[] = ['ours', 'hocuspocus'];
const CLIENTS = isQuick ? 200 : 1000;
const DOC_LOADS: DocLoad[] = isQuick
	? [
			{ name: 'docs', docs: 50, thoughts: 100 },
			{ name: 'shards', docs: 5, thoughts: 1000 }
		]
	: [
			{ name: 'docs', docs: 200, thoughts: 100 },
			{ name: 'shards', docs: 30, thoughts: 1000 }
		];
/** Our clients share one account per 10 sockets (a user's devices), each on its own shard. */
const CLIENTS_PER_USER = 10;
/**
 * Our relay allows 200 messages per socket before its documents authenticate, and a provider
 * sends 3 (auth, sync step 1, awareness) per document it opens: 40 documents stay well inside.
 */
const DOCS_PER_SOCKET = 40;
const REGISTER_CONCURRENCY = 4;
const CONNECT_CONCURRENCY = 25;
const SEED = 20240601;
/** A reading: forced full GCs, a settle, then the median of a few RSS samples. */
const GC_ROUNDS = 2;
const SETTLE_MS = 300;
const SAMPLES = 5;
const SAMPLE_GAP_MS = 50;
/**
 * A young generation pinned small: V8 grows it in 16 MiB steps under allocation pressure and a
 * full GC does not give the pages back, so one such step inside a delta would read as tens of
 * KiB per client. What survives a GC lives in the old generation, which these deltas see.
 */
const NODE_ARGS = ['--max-semi-space-size=1'];
const STEP_TIMEOUT_MS = 60_000;
const HARD_LIMIT_MS = isQuick ? 3 * 60_000 : 10 * 60_000;

async function read(server: RunningServer): Promise<Reading> {
	let heap = { heapUsed: 0, external: 0 };
	for (let i = 0; i < GC_ROUNDS; i++) heap = await server.collectGarbage();
	await sleep(SETTLE_MS);
	const samples: number[] = [];
	for (let i = 0; i < SAMPLES; i++) {
		if (i > 0) await sleep(SAMPLE_GAP_MS);
		samples.push(procStats(server.pid).rssBytes);
	}
	return { rss: percentile(samples, 50), heap: heap.heapUsed + heap.external };
}

const perUnit = (after: Reading, before: Reading, units: number): Reading => ({
	rss: (after.rss - before.rss) / units,
	heap: (after.heap - before.heap) / units
});

interface Account {
	userId: string;
	cookie: string;
}

/** Where a server's clients connect, and what account i (ours) may open. */
interface Target {
	url: string;
	base: string;
	account(i: number): { token: string | (() => Promise<string>); cookie?: string; docs: string[] };
}

/** Accounts 0 … CLIENT_USERS - 1 hold the idle clients; the next one the measured documents. */
const CLIENT_USERS = Math.ceil(CLIENTS / CLIENTS_PER_USER);
const DOCS_ACCOUNT = CLIENT_USERS;

function targetFor(server: RunningServer, accounts: Account[]): Target {
	const base = `http://127.0.0.1:${server.port}`;
	const shards = (owner: string) => Array.from({ length: 1000 }, (_, d) => `u/${owner}/shard/${d}`);
	if (server.kind !== 'ours') {
		return {
			url: `ws://127.0.0.1:${server.port}`,
			base,
			account: (i) => ({ token: 'bench', docs: shards(`bench${i}`) })
		};
	}
	return {
		url: `ws://127.0.0.1:${server.port}/sync`,
		base,
		account: (i) => ({
			token: relayToken(base, accounts[i].cookie),
			cookie: accounts[i].cookie,
			docs: shards(accounts[i].userId)
		})
	};
}

/** The names of each document load, in the documents account, without overlap. */
function documentNames(target: Target): Record<DocLoad['name'], string[]> {
	const all = target.account(DOCS_ACCOUNT).docs;
	let offset = 0;
	const names = {} as Record<DocLoad['name'], string[]>;
	for (const load of DOC_LOADS) {
		names[load.name] = all.slice(offset, (offset += load.docs));
	}
	return names;
}

/** The device that opens the measured documents. */
function documentsDevice(target: Target) {
	const { token, cookie } = target.account(DOCS_ACCOUNT);
	return { token, cookie, docsPerSocket: DOCS_PER_SOCKET, timeoutMs: STEP_TIMEOUT_MS };
}

/** N idle devices, one socket and one document each; every document gets one thought. */
async function connectClients(target: Target, count: number): Promise<Device[]> {
	const devices: Device[] = [];
	await pool(count, CONNECT_CONCURRENCY, async (i) => {
		const account = target.account(Math.floor(i / CLIENTS_PER_USER));
		const name = account.docs[i % CLIENTS_PER_USER];
		const device = hocuspocusDevice(target.url, name, account.token, account.cookie);
		devices.push(device);
		await withTimeout(device.synced, STEP_TIMEOUT_MS, `client ${i} synced`);
		addThought(device.doc, newThoughtId(), {
			text: `client ${i} was here`,
			createdAt: Date.now(),
			visibility: 'private',
			pinned: false
		});
		await waitFor(() => !device.hasUnsyncedChanges(), STEP_TIMEOUT_MS, `client ${i} ack`);
	});
	return devices;
}

async function documentsLoaded(base: string): Promise<number> {
	const text = await (await fetch(`${base}/metrics`, { headers: METRICS_HEADERS })).text();
	return Number(/^t10x_relay_documents_loaded (\d+)/m.exec(text)?.[1] ?? NaN);
}

/** Seeded thoughts as one update per document, the same for every server and repetition. */
function buildContents(docs: number, thoughts: number): Uint8Array[] {
	return Array.from({ length: docs }, (_, i) => {
		const doc = new Y.Doc();
		for (const thought of generateThoughts(thoughts, SEED + i)) {
			addThought(doc, thought.id, {
				text: thought.text,
				createdAt: Date.parse(thought.createdAt),
				visibility: thought.visibility,
				pinned: thought.pinned
			});
		}
		return Y.encodeStateAsUpdate(doc);
	});
}

/**
 * Ours: a first process on the data dir registers the accounts and stores the documents, then is
 * killed. The measured process starts on the same dir: it loads the documents from SQLite, as
 * for a returning device, and has never run argon2, whose freed 19 MiB buffers would stay in
 * malloc's arenas and silently absorb the allocations being measured.
 */
async function prepareOurs(
	dataDir: string,
	contents: Record<DocLoad['name'], Uint8Array[]>
): Promise<Account[]> {
	const setup = await startServer('ours', { dataDir });
	try {
		const accounts: Account[] = [];
		await pool(CLIENT_USERS + 1, REGISTER_CONCURRENCY, async (i) => {
			accounts[i] = await signUp(`http://127.0.0.1:${setup.port}`, i);
		});
		const target = targetFor(setup, accounts);
		const names = documentNames(target);
		for (const load of DOC_LOADS) {
			const close = await openDocuments(target.url, names[load.name], {
				...documentsDevice(target),
				contents: contents[load.name]
			});
			close();
		}
		const unloaded = async () => (await documentsLoaded(target.base)) === 0;
		await waitFor(unloaded, STEP_TIMEOUT_MS, 'documents stored and unloaded');
		return accounts;
	} finally {
		setup.cleanup();
		await setup.exited;
	}
}

async function runOnce(
	kind: ServerKind,
	rep: number,
	contents: Record<DocLoad['name'], Uint8Array[]>
): Promise<Run> {
	const started = performance.now();
	const dataDir = kind === 'ours' ? mkdtempSync(join(tmpdir(), 't10x-memory-')) : undefined;
	const closers: (() => void)[] = [];
	let server: RunningServer | undefined;
	try {
		const accounts = dataDir ? await prepareOurs(dataDir, contents) : [];
		server = await startServer(kind, { gc: true, dataDir, nodeArgs: NODE_ARGS });
		const target = targetFor(server, accounts);
		const names = documentNames(target);

		const start = await read(server);
		const after = {} as Record<LoadName, Reading>;
		const per = {} as Record<LoadName, Reading>;
		const devices = await connectClients(target, CLIENTS);
		closers.push(() => devices.forEach((device) => device.destroy()));
		after.clients = await read(server);
		per.clients = perUnit(after.clients, start, CLIENTS);
		let previous = after.clients;
		for (const load of DOC_LOADS) {
			// Bare Hocuspocus stores nothing: the device brings the content.
			const upload = kind === 'ours' ? undefined : contents[load.name];
			const options = { ...documentsDevice(target), contents: upload };
			closers.push(await openDocuments(target.url, names[load.name], options));
			after[load.name] = await read(server);
			per[load.name] = perUnit(after[load.name], previous, load.docs);
			previous = after[load.name];
		}
		return {
			server: kind,
			rep,
			start,
			after,
			perUnit: per,
			seconds: (performance.now() - started) / 1000
		};
	} finally {
		for (const close of closers) close();
		server?.cleanup();
		if (dataDir) rmSync(dataDir, { recursive: true, force: true });
	}
}

async function main() {
	const hardLimit = setTimeout(() => {
		console.error(`hard limit of ${HARD_LIMIT_MS / 1000} s reached: stopping`);
		killAll();
		process.exit(1);
	}, HARD_LIMIT_MS);
	hardLimit.unref();
	const started = performance.now();
	const contents = Object.fromEntries(
		DOC_LOADS.map((load) => [load.name, buildContents(load.docs, load.thoughts)])
	) as Record<DocLoad['name'], Uint8Array[]>;
	const runs: Run[] = [];
	for (let rep = 0; rep < REPS; rep++) {
		// Alternate who goes first, so neither always starts on a machine the other just left.
		const order = rep % 2 === 0 ? SERVERS : [...SERVERS].reverse();
		for (const kind of order) {
			process.stderr.write(`${kind} run ${rep + 1}/${REPS} … `);
			const run = await runOnce(kind, rep, contents);
			runs.push(run);
			process.stderr.write(
				`${Object.entries(run.perUnit)
					.map(([name, per]) => `${name} RSS ${kib(per.rss)} heap ${kib(per.heap)}`)
					.join(', ')} (${fmt(run.seconds)} s)\n`
			);
		}
	}
	const { markdown, summary } = report(runs, {
		reps: REPS,
		clients: CLIENTS,
		clientsPerUser: CLIENTS_PER_USER,
		docLoads: DOC_LOADS,
		docsPerSocket: DOCS_PER_SOCKET,
		seed: SEED,
		gcRounds: GC_ROUNDS,
		settleMs: SETTLE_MS,
		samples: SAMPLES,
		sampleGapMs: SAMPLE_GAP_MS,
		nodeArgs: NODE_ARGS
	});
	console.log(`\n${markdown}\n`);
	if (WRITE) {
		writeSection('relay-memory', markdown);
		await formatBenchmarksFile();
		reportSummary(summary);
	}
	console.log(`relay memory: done in ${fmt((performance.now() - started) / 1000)} s`);
	killAll();
	// Providers' timers (awareness, reconnect backoff) would keep the loop alive.
	process.exit(0);
}

main().catch((error) => {
	console.error(error);
	killAll();
	process.exit(1);
});
