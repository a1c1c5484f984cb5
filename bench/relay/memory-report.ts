import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	fmt,
	isQuick,
	machineInfo,
	percentile,
	ratio,
	table,
	type SummaryRow
} from '../lib/report';
import { ROOT, type ServerKind } from './servers';

/** The BENCHMARKS.md section and summary rows of memory.bench.ts. */

export interface DocLoad {
	name: 'docs' | 'shards';
	docs: number;
	thoughts: number;
}

export type LoadName = 'clients' | DocLoad['name'];

/** RSS from /proc, and the JS heap plus external memory the server reports after its GC. */
export interface Reading {
	rss: number;
	heap: number;
}

export interface Run {
	server: ServerKind;
	rep: number;
	start: Reading;
	/** Readings after each load, and the load's bytes per unit (client or document). */
	after: Record<LoadName, Reading>;
	perUnit: Record<LoadName, Reading>;
	seconds: number;
}

/** How the runs were made, for the text around the tables. */
export interface Setup {
	reps: number;
	clients: number;
	clientsPerUser: number;
	docLoads: DocLoad[];
	docsPerSocket: number;
	seed: number;
	gcRounds: number;
	settleMs: number;
	samples: number;
	sampleGapMs: number;
	nodeArgs: string[];
}

const KiB = 1024;
const MiB = 1024 * KiB;
export const kib = (bytes: number) => `${fmt(bytes / KiB)} KiB`;
const mib = (bytes: number) => fmt(bytes / MiB);
const median = (runs: Run[], pick: (run: Run) => number) => percentile(runs.map(pick), 50);

export function report(runs: Run[], setup: Setup): { markdown: string; summary: SummaryRow[] } {
	const names: LoadName[] = ['clients', ...setup.docLoads.map((load) => load.name)];
	const load = (name: LoadName) => setup.docLoads.find((l) => l.name === name)!;
	const count = (n: number) => n.toLocaleString('en-US');
	const label = (name: LoadName) => {
		if (name === 'clients') return `per connected client (${count(setup.clients)} idle)`;
		const { docs, thoughts } = load(name);
		const what = name === 'shards' ? 'full shard' : 'document';
		return `per loaded ${what} (${docs} docs × ${count(thoughts)} thoughts)`;
	};
	const of = (kind: ServerKind) => runs.filter((run) => run.server === kind);
	const summary: SummaryRow[] = [];
	const headline = names.map((name) => {
		const [ours, base] = (['ours', 'hocuspocus'] as const).map((kind) => ({
			rss: median(of(kind), (run) => run.perUnit[name].rss),
			heap: median(of(kind), (run) => run.perUnit[name].heap)
		}));
		summary.push({
			bench: 'relay memory',
			metric: `RSS ${label(name)}`,
			ours: kib(ours.rss),
			baseline: kib(base.rss),
			ratio: ratio(ours.rss, base.rss),
			note: `median of ${setup.reps}; heap ${kib(ours.heap)} vs ${kib(base.heap)}`
		});
		return [
			label(name),
			kib(ours.rss),
			kib(base.rss),
			ratio(ours.rss, base.rss),
			kib(ours.heap),
			kib(base.heap),
			ratio(ours.heap, base.heap)
		];
	});
	const detail = runs.map((run) => [
		run.server,
		String(run.rep + 1),
		mib(run.start.rss),
		...names.map((name) => mib(run.after[name].rss)),
		...names.map(
			(name) => `${fmt(run.perUnit[name].rss / KiB)} / ${fmt(run.perUnit[name].heap / KiB)}`
		),
		fmt(run.seconds)
	]);
	const versions = ['@hocuspocus/server', '@hocuspocus/provider', 'better-sqlite3']
		.map((name) => {
			const file = join(ROOT, 'node_modules', name, 'package.json');
			return `${name} ${JSON.parse(readFileSync(file, 'utf8')).version}`;
		})
		.join(', ');
	const markdown = [
		`## Relay memory (${isQuick ? 'quick' : 'full'})`,
		'',
		`Server memory per connected client and per loaded document, ours against bare Hocuspocus 3.4 (no auth, no persistence), in alternating runs; medians of ${setup.reps} runs per server. Each run is one fresh server process taking three loads in turn, nothing closed in between, so each delta is that load's own cost: ${count(setup.clients)} idle authenticated clients (one socket each, ${setup.clientsPerUser} per account on ours, each on its own document holding one thought), then documents of seeded thoughts (\`generateThoughts\`, seed ${setup.seed}), opened by one device ${setup.docsPerSocket} per socket. Ours loads them from SQLite: a first process on the same data dir registered the accounts and stored the documents through the relay, then was killed, so the measured process never ran argon2 (its freed 19 MiB buffers stay in malloc's arenas and would absorb the allocations being measured). Bare Hocuspocus stores nothing, so there the device uploads the same content once synced.`,
		'',
		`Each reading: ${setup.gcRounds} forced full GCs (both servers run with \`--expose-gc\` and a SIGUSR2 handler that calls \`gc()\` and prints \`process.memoryUsage()\`), ${setup.settleMs} ms settle, then the median of ${setup.samples} RSS samples ${setup.sampleGapMs} ms apart from /proc: retained memory, not the GC's sawtooth (a server between collections holds more). Both also run with \`${setup.nodeArgs.join(' ')}\`: V8 grows its young generation in 16 MiB steps and a GC does not return the pages, so one step inside a delta would read as tens of KiB per client. RSS is what the machine pays, including native memory (sockets, SQLite); "heap" is the JS heap plus external memory after the GC, steadier but blind to native allocations. Ours includes its AI worker pool and SQLite, present in every reading and so not in the deltas. ${versions}.`,
		'',
		machineInfo(),
		'',
		table(
			[
				'measure',
				'RSS ours',
				'RSS bare Hocuspocus',
				'ours ÷ baseline',
				'heap ours',
				'heap bare Hocuspocus',
				'ours ÷ baseline'
			],
			headline
		),
		'',
		'<details><summary>Every run (RSS MiB after each load; RSS / heap KiB per client or document)</summary>',
		'',
		table(
			[
				'server',
				'run',
				'start',
				...names.map((name) => `+ ${name}`),
				...names.map((name) => `per ${name === 'clients' ? 'client' : name.replace(/s$/, '')}`),
				'seconds'
			],
			detail
		),
		'',
		'</details>'
	].join('\n');
	return { markdown, summary };
}
