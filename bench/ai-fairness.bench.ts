import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { InferencePool, type PoolJob } from '../server/ai/inference-pool';
import { PoolUnavailableError } from '../server/ai/run-outcome';
import { spawnModelRunner } from '../server/ai/spawn-model-runner';
import { loadStaticModels } from '../server/ai/static-models';
import { generateThoughts } from '../scripts/seed-data';
import { FifoQueue } from './lib/fifo-queue';
import {
	ROOT,
	fmt,
	formatBenchmarksFile,
	isQuick,
	machineInfo,
	ratio,
	reportSummary,
	summarise,
	table,
	writeSection,
	type SummaryRow
} from './lib/report';

/**
 * Fair scheduling in the server's inference pool (issue 11): ten tenants send embedding jobs of
 * the same size to one pool of real onnxruntime-node runner processes running the built-in model. Nine
 * behave (together half the pool's measured capacity); in the flood one more sends ten times a
 * well-behaved tenant's load, so the pool is over capacity. The same arrivals run against the
 * fair queue and against the FIFO it replaced, in one process, alternated. Latency = queue time
 * + run time of a served job; a refused job (queue full) counts as a reject, not a latency.
 *
 *   npx tsx bench/ai-fairness.bench.ts [--quick]
 */

const WORKERS = 1;
const QUEUE_LENGTH = 64;
/** The fair queue's per-tenant share; the FIFO has none (it never had). */
const TENANT_QUEUE_LENGTH = 8;
/** The most texts one POST /api/ai/embed may carry. */
const BATCH = 64;
const WELL_BEHAVED = 9;
const FLOOD_FACTOR = 10;
/** The nine well-behaved tenants together, as a share of the pool's capacity. */
const WELL_BEHAVED_LOAD = 0.5;
const DURATION_MS = isQuick ? 4_000 : 15_000;
const ROUNDS = isQuick ? 1 : 3;
const TARGET_RATIO = 2;
const TARGET_THROUGHPUT = 0.95;

const models = loadStaticModels(path.join(ROOT, 'static/models'));
const model = [...models.values()][0];
if (!model) throw new Error('No built-in model in static/models: run npm run build:model');
/** Texts of about 600 characters: six seeded thoughts each, so a full job is ~38 Ki characters. */
const thoughts = generateThoughts(12_000, 20240601, Date.UTC(2024, 0, 1)).map((t) => t.text);
const texts = Array.from({ length: 2_000 }, (_, i) => thoughts.slice(i * 6, i * 6 + 6).join(' '));

type QueueKind = 'fair' | 'fifo';

function newPool(kind: QueueKind): InferencePool {
	const options = {
		workers: WORKERS,
		queueLength: QUEUE_LENGTH,
		tenantQueueLength: TENANT_QUEUE_LENGTH,
		jobTimeoutMs: 30_000
	};
	const { id, modelFile, vocabFile } = model;
	const setup = { builtins: [{ id, modelFile, vocabFile }], cacheBytes: 0, maxOutputValues: 1e6 };
	const spawn = () => spawnModelRunner(setup, { heapMb: 256, memoryMb: 3072 });
	return kind === 'fair'
		? new InferencePool(options, spawn)
		: new InferencePool(options, spawn, new FifoQueue<PoolJob>(QUEUE_LENGTH));
}

const embed = (texts: string[]) => ({
	task: 'embed' as const,
	embedder: { builtin: model.id },
	texts
});

function batchAt(i: number): string[] {
	const start = (i * BATCH) % (texts.length - BATCH);
	return texts.slice(start, start + BATCH);
}

/** One job's run time on an idle pool (median of a few), which sets the offered loads. */
async function serviceMs(): Promise<number> {
	const pool = newPool('fair');
	try {
		const runs: number[] = [];
		for (let i = 0; i < 30; i++) {
			const outcome = await pool.run(embed(batchAt(i)), { tenant: 'probe', priority: 'bulk' });
			if (i >= 5) runs.push(outcome.runMs + outcome.queueMs);
		}
		return summarise(runs).p50;
	} finally {
		await pool.close();
	}
}

interface Served {
	tenant: string;
	latencyMs: number;
}

interface Scenario {
	served: Served[];
	rejected: Map<string, number>;
	/** Served jobs per second, from the first arrival to the last answer. */
	throughput: number;
}

/** Every tenant sends a job every `interval` ms (staggered), for DURATION_MS. */
async function runScenario(kind: QueueKind, wellIntervalMs: number, isFlood: boolean) {
	const pool = newPool(kind);
	await pool.run(embed(batchAt(0)), { tenant: 'warm', priority: 'bulk' });
	const tenants = Array.from({ length: WELL_BEHAVED }, (_, i) => ({
		tenant: `tenant-${i + 1}`,
		interval: wellIntervalMs
	}));
	if (isFlood) tenants.push({ tenant: 'flooder', interval: wellIntervalMs / FLOOD_FACTOR });
	const result: Scenario = { served: [], rejected: new Map(), throughput: 0 };
	const jobs: Promise<void>[] = [];
	const started = performance.now();
	let sent = 0;
	await new Promise<void>((resolve) => {
		const timers = tenants.map(({ tenant, interval }, t) => {
			const send = () => {
				const submitted = performance.now();
				const job = pool
					.run(embed(batchAt(sent++)), { tenant, priority: 'bulk' })
					.then(() => result.served.push({ tenant, latencyMs: performance.now() - submitted }))
					.catch((error: unknown) => {
						if (!(error instanceof PoolUnavailableError)) throw error;
						result.rejected.set(tenant, (result.rejected.get(tenant) ?? 0) + 1);
					});
				jobs.push(job.then(() => undefined));
			};
			// Staggered starts, so the nine do not all arrive in the same millisecond.
			const first = setTimeout(
				() => {
					send();
					timers[t] = setInterval(send, interval);
				},
				(interval * t) / tenants.length
			);
			return first;
		});
		setTimeout(() => {
			for (const timer of timers) clearInterval(timer);
			resolve();
		}, DURATION_MS);
	});
	await Promise.all(jobs);
	result.throughput = result.served.length / ((performance.now() - started) / 1000);
	await pool.close();
	return result;
}

const wellLatencies = (s: Scenario) =>
	s.served.filter((job) => job.tenant !== 'flooder').map((job) => job.latencyMs);
const floodLatencies = (s: Scenario) =>
	s.served.filter((job) => job.tenant === 'flooder').map((job) => job.latencyMs);
const rejects = (s: Scenario, isFlooder: boolean) =>
	[...s.rejected].filter(([t]) => (t === 'flooder') === isFlooder).reduce((n, [, c]) => n + c, 0);

async function main(): Promise<void> {
	const service = await serviceMs();
	// Nine tenants at WELL_BEHAVED_LOAD of capacity together: each sends one job per interval.
	const wellInterval = (service * WELL_BEHAVED) / WELL_BEHAVED_LOAD;
	console.log(
		`ai-fairness: a job of ${BATCH} texts takes ${fmt(service)} ms; each well-behaved tenant sends one every ${fmt(wellInterval)} ms, the flooder every ${fmt(wellInterval / FLOOD_FACTOR)} ms`
	);
	const runs = {
		fair: { solo: [] as Scenario[], flood: [] as Scenario[] },
		fifo: { solo: [] as Scenario[], flood: [] as Scenario[] }
	};
	for (let round = 0; round < ROUNDS; round++) {
		const order: QueueKind[] = round % 2 === 0 ? ['fifo', 'fair'] : ['fair', 'fifo'];
		for (const kind of order) {
			runs[kind].solo.push(await runScenario(kind, wellInterval, false));
			runs[kind].flood.push(await runScenario(kind, wellInterval, true));
		}
		console.log(`  round ${round + 1}/${ROUNDS} done`);
	}
	const pooled = (list: Scenario[], pick: (s: Scenario) => number[]) =>
		summarise(list.flatMap(pick));
	const rows: string[][] = [];
	const stats = {} as Record<QueueKind, { soloP99: number; floodP99: number; throughput: number }>;
	for (const kind of ['fifo', 'fair'] as const) {
		const solo = pooled(runs[kind].solo, wellLatencies);
		const flood = pooled(runs[kind].flood, wellLatencies);
		const flooder = pooled(runs[kind].flood, floodLatencies);
		const throughput = summarise(runs[kind].flood.map((s) => s.throughput)).p50;
		stats[kind] = { soloP99: solo.p99, floodP99: flood.p99, throughput };
		const name = kind === 'fair' ? 'fair queue (ours)' : 'FIFO (baseline)';
		rows.push([
			name,
			`${fmt(solo.p50)} / ${fmt(solo.p99)}`,
			`${fmt(flood.p50)} / ${fmt(flood.p99)}`,
			ratio(flood.p99, solo.p99),
			`${fmt(flooder.p50)} / ${fmt(flooder.p99)}`,
			fmt(throughput),
			`${runs[kind].flood.reduce((n, s) => n + rejects(s, false), 0)} / ${runs[kind].flood.reduce((n, s) => n + rejects(s, true), 0)}`
		]);
	}
	const latencyTable = table(
		[
			'queue',
			'well-behaved alone, p50 / p99 ms',
			'well-behaved in the flood, p50 / p99 ms',
			'p99 flood vs alone',
			'flooder p50 / p99 ms',
			'jobs/s in the flood',
			'rejects well-behaved / flooder'
		],
		rows
	);
	console.log(latencyTable);
	const fairRatio = stats.fair.floodP99 / stats.fair.soloP99;
	const throughputRatio = stats.fair.throughput / stats.fifo.throughput;
	const targetLine = `Goals (issue 11): well-behaved tenants' p99 in the flood within ${TARGET_RATIO}× of alone: **${fairRatio <= TARGET_RATIO ? 'met' : 'not met'}** (${ratio(stats.fair.floodP99, stats.fair.soloP99)}; the FIFO ${ratio(stats.fifo.floodP99, stats.fifo.soloP99)}); throughput ≥ ${TARGET_THROUGHPUT}× the FIFO's: **${throughputRatio >= TARGET_THROUGHPUT ? 'met' : 'not met'}** (${fmt(throughputRatio)}×). Informational, not a test.`;
	console.log(targetLine);
	writeSection(
		'ai-fairness',
		[
			'## Fair scheduling in the server inference pool',
			'',
			`${WELL_BEHAVED} well-behaved tenants and, in the flood, one more sending ${FLOOD_FACTOR}× their load, each job ${BATCH} texts of six seeded thoughts for the built-in model (the most one request may carry), into one pool (${WORKERS} onnxruntime-node runner process, ${QUEUE_LENGTH} waiting jobs; the fair queue lets one tenant hold ${TENANT_QUEUE_LENGTH} of them). A job takes ${fmt(service)} ms on the idle pool; the well-behaved send ${WELL_BEHAVED_LOAD * 100}% of capacity together, the flood brings the total to ${fmt((WELL_BEHAVED_LOAD * (WELL_BEHAVED + FLOOD_FACTOR)) / WELL_BEHAVED)}×. ${ROUNDS} rounds of ${DURATION_MS / 1000} s per scenario, FIFO and fair alternated, the same arrival schedule for both. Latency: submit → answer of a served job.`,
			'',
			machineInfo(),
			'',
			targetLine,
			'',
			latencyTable
		].join('\n')
	);
	await formatBenchmarksFile();
	const summary: SummaryRow[] = [
		{
			bench: 'ai-fairness',
			metric: 'well-behaved p99 in a 10× flood vs alone',
			ours: ratio(stats.fair.floodP99, stats.fair.soloP99),
			baseline: `FIFO ${ratio(stats.fifo.floodP99, stats.fifo.soloP99)}`,
			ratio: ratio(
				stats.fair.floodP99 / stats.fair.soloP99,
				stats.fifo.floodP99 / stats.fifo.soloP99
			),
			note: `goal ≤ ${TARGET_RATIO}×`
		},
		{
			bench: 'ai-fairness',
			metric: 'throughput in the flood',
			ours: `${fmt(stats.fair.throughput)} jobs/s`,
			baseline: `${fmt(stats.fifo.throughput)} jobs/s`,
			ratio: ratio(stats.fair.throughput, stats.fifo.throughput),
			note: `goal ≥ ${TARGET_THROUGHPUT}×`
		}
	];
	reportSummary(summary);
}

await main();
