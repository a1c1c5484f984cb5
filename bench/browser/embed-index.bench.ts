import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { generateThoughts } from '../../scripts/seed-data';
import { BUILTIN_EMBEDDER } from '../../src/lib/ai/models';
import {
	fmt,
	formatBenchmarksFile,
	isQuick,
	machineInfo,
	ratio,
	reportSummary,
	summarise,
	table,
	type Summary,
	writeSection
} from '../lib/report';
import { ensureBuild, startAppServer } from './lib/app-server';
import {
	chromiumVersion,
	clearStore,
	countRows,
	countVectors,
	firstPage,
	launchProfile,
	packageVersion
} from './lib/browser';
import { addIndexProbe, waitForIndexed, type IndexMarks } from './lib/index-probe';
import { bundleOracle, loadOracle, oracleIndex, oracleParity } from './lib/oracle-baseline';
import type { Layout } from './lib/oracle-page';
import { seedAppProfile } from './lib/seed-profile';
import { runBench } from './lib/teardown';

/**
 * Indexing throughput in real Chromium (issue 5, benchmark 5): N thoughts stored, their vectors
 * deleted, then the app opened; it embeds every thought with the built-in model in its AI worker
 * (onnxruntime-web) and stores the vectors in IndexedDB, as on a device catching up. Timed in the
 * page from the semantic index's first touch of the vector store to the last vector committed.
 * Baseline, alternated in the same browser: the TypeScript oracle on the main thread of a page of
 * the same origin, reading the same thoughts and writing every vector to its own database.
 *
 *   npx tsx bench/browser/embed-index.bench.ts [--quick]
 */

const SIZE = isQuick ? 5_000 : 50_000;
const ROUNDS = isQuick ? 3 : 5;
const SEED = 20240601;
const VIEW_DB = 't10x-view:local';
const TIMEOUT_MS = 180_000;
const TARGET_SIZE = 50_000;
const TARGET_MS = 5_000;
const PARITY_SAMPLE = 500;

/**
 * Where the time went, from profile-embed-index.ts (2026-11-27); the oracle rows of the table
 * measure the row-count cost again on every run.
 */
const WHY = [
	"Where the time went (`npx tsx bench/browser/profile-embed-index.ts`, 50,000 thoughts, 2026-11-27). **At e63c983**: jobs of 128 thoughts, and for each one the app waited for the worker, then for a transaction holding the job's inference record, then for a second one holding its 128 vectors: 782 IndexedDB commits in sequence, with the worker idle while they ran (a job was in flight 1.1 s of 9.3 s; the main thread was idle 5.1 s). Median 8.9 s in this bench. Padding was not the problem: sorted by length, batches of 128 are 15% padding (89% in arrival order, see above); batches of 1,024 are 22%.",
	'',
	"**At 155b1a6**: jobs of 1,024; each job's vectors and inference record in one transaction (49 instead of 782); the worker embeds the next batch while one transaction commits. Median 5.6 s (p95 6.1 s), target missed because IndexedDB costs per row: the app kept one row per thought and model, and writing 50,000 rows took 3.3–4.4 s here whatever their size or grouping (a scratch in-page test: 25, 100 or 400 dims, 128 to 8,192 rows per transaction, strict or relaxed durability), as the oracle's one-row-per-thought line still shows.",
	'',
	"**Now**: the view store keeps vectors in blocks (`vectorBlocks`, `src/lib/replica/vector-store.ts`): one row per embedding job holding its thought ids, their content hashes and one Float32Array of n × dims, so 50,000 thoughts are 49 rows instead of 50,000. That is the oracle's one-row-per-1,000 layout, and the app now runs close to that line although it embeds with ONNX in a worker and logs every job; the rows above split its time into reading the thoughts (start to first job) and embedding with the writes overlapped (first job to last commit). A later block supersedes earlier entries of the same thought; entries of deleted thoughts or of an older text (content hash) are ignored on load and those thoughts re-embedded as before; a load rewrites the live entries into full blocks in one transaction once over a quarter of the entries are dead or single edits have left 64 blocks more than needed. The schema upgrade moves existing vectors into blocks, so no device re-embeds. Vectors are unchanged (parity above), single edits are still embedded at once (a block of one), and every job is still in the AI usage log."
].join('\n');

interface Sample extends IndexMarks {
	/** Inference records the round added (one per embedding job is the contract). */
	recorded: number;
}

/** A same-origin page that does not run the app (the service worker leaves /healthz alone). */
async function openBlank(page: Page, base: string): Promise<void> {
	await page.goto(`${base}/healthz`);
}

async function runOurs(page: Page, base: string): Promise<Sample> {
	await openBlank(page, base);
	const recordsBefore = await countRows(page, VIEW_DB, 'inferences');
	await clearStore(page, VIEW_DB, 'vectorBlocks');
	await page.goto(`${base}/`);
	const marks = await waitForIndexed(page, TIMEOUT_MS);
	await openBlank(page, base);
	const recorded = (await countRows(page, VIEW_DB, 'inferences')) - recordsBefore;
	if ((await countVectors(page, VIEW_DB)) !== SIZE) {
		throw new Error('the app did not store exactly one vector per thought');
	}
	return { ...marks, recorded };
}

async function runOracle(page: Page, base: string, script: string, layout: Layout) {
	await openBlank(page, base);
	await loadOracle(page, script, BUILTIN_EMBEDDER.location);
	const result = await oracleIndex(page, VIEW_DB, layout);
	if (result.count !== SIZE) throw new Error(`the baseline indexed ${result.count}, not ${SIZE}`);
	return result;
}

const since = (sample: Sample, from: 'start' | 'firstJob' | null) =>
	sample.indexed! - (from === null ? 0 : sample[from]!);

async function main(): Promise<void> {
	const started = performance.now();
	ensureBuild();
	const server = await startAppServer();
	const label = SIZE.toLocaleString('en-US');
	console.log(`embed in Chromium: seeding ${label} thoughts…`);
	const app = await seedAppProfile(server.base, generateThoughts(SIZE, SEED, Date.UTC(2024, 0, 1)));
	const script = await bundleOracle();
	const context = await launchProfile(app.dir, server.base);
	await addIndexProbe(context, { database: VIEW_DB, target: SIZE });
	const page = await firstPage(context);
	page.on('pageerror', (error) => console.error(`page error: ${error.message}`));

	const ours: Sample[] = [];
	const oracle: Record<Layout, { ms: number; embedMs: number }[]> = { rows: [], blocks: [] };
	const contestants = [
		async () => ours.push(await runOurs(page, server.base)),
		async () => oracle.rows.push(await runOracle(page, server.base, script, 'rows')),
		async () => oracle.blocks.push(await runOracle(page, server.base, script, 'blocks'))
	];
	// One untimed run each (the first after seeding also pays for disk caches), then rounds in
	// rotating order (ABC, BCA, CAB…) so none always follows the same one.
	for (const run of contestants) await run();
	ours.length = oracle.rows.length = oracle.blocks.length = 0;
	for (let round = 0; round < ROUNDS; round++) {
		for (let i = 0; i < contestants.length; i++) await contestants[(round + i) % 3]();
		const o = ours.at(-1)!;
		console.log(
			`  round ${round + 1}/${ROUNDS}: ours ${fmt(since(o, 'start'))} ms (${o.jobs} jobs, ${o.writeTransactions} vector write transactions, ${o.recorded} inference records); oracle ${fmt(oracle.rows.at(-1)!.ms)} ms, oracle in blocks ${fmt(oracle.blocks.at(-1)!.ms)} ms`
		);
	}
	await openBlank(page, server.base);
	await loadOracle(page, script, BUILTIN_EMBEDDER.location);
	const worst = await oracleParity(page, VIEW_DB, BUILTIN_EMBEDDER.id, PARITY_SAMPLE);
	await context.close();

	const o = summarise(ours.map((s) => since(s, 'start')));
	const b = summarise(oracle.rows.map((s) => s.ms));
	const perSecond = (ms: number) => fmt((SIZE / ms) * 1000);
	const row = (name: string, ms: Summary, isTotal = true) => [
		name,
		fmt(ms.p50),
		fmt(ms.p95),
		isTotal ? perSecond(ms.p50) : '',
		isTotal ? ratio(ms.p50, b.p50) : '',
		isTotal ? ratio(ms.p95, b.p95) : ''
	];
	const resultTable = table(
		[
			'ms to index every thought',
			'p50',
			'p95',
			'thoughts/s (p50)',
			'vs oracle p50',
			'vs oracle p95'
		],
		[
			row('ours: app + AI worker, from the start of indexing', o),
			row(
				'ours, from the first embedding job',
				summarise(ours.map((s) => since(s, 'firstJob'))),
				false
			),
			row('ours, from navigation start', summarise(ours.map((s) => since(s, null))), false),
			row('oracle, one row per thought (baseline)', b),
			row(
				'oracle, embedding alone (within the above)',
				summarise(oracle.rows.map((s) => s.embedMs)),
				false
			),
			row('oracle, one row per 1,000 thoughts', summarise(oracle.blocks.map((s) => s.ms)))
		]
	);
	const last = ours.at(-1)!;
	const isMet = o.p50 <= TARGET_MS;
	const targetLine =
		SIZE === TARGET_SIZE
			? `Target (issue 5): 50,000 thoughts indexed in ≤ 5 s in the browser worker: **${isMet ? 'met' : 'not met'}** in Chromium (median ${fmt(o.p50 / 1000)} s, p95 ${fmt(o.p95 / 1000)} s on this machine; informational, not a test).`
			: `Target (issue 5): 50,000 thoughts indexed in ≤ 5 s in the browser worker: not measured at 50,000 in quick mode (${label} took ${fmt(o.p50 / 1000)} s; run \`npm run bench\`).`;
	const notes = `Each round: ${last.jobs} embedding jobs, ${last.writeTransactions} write transactions on \`vectorBlocks\`, ${last.recorded} inference records (one per job). Parity: the app's stored vectors vs the oracle, max |Δ| ${worst.toExponential(1)} over ${Math.min(PARITY_SAMPLE, SIZE)} thoughts. Setup (untimed): import ${fmt(app.importMs / 1000)} s, then the first indexing as \`seedAppProfile\` waits for it (from navigation, polled) ${fmt(app.embedMs / 1000)} s.`;

	writeSection(
		'embed-browser',
		[
			'## Indexing in Chromium (glove-sif-50k, the AI worker)',
			'',
			`${label} seeded thoughts (\`generateThoughts(${SIZE}, ${SEED})\`) stored in a profile (imported on /data as in the cold-start bench). Each round deletes the profile's vectors from a page that does not run the app, then opens \`/\` on the production build: the app embeds every thought in its AI worker (onnxruntime-web, wasm, 1 thread) and stores one row per job in IndexedDB (a block: the job's ids, content hashes and one Float32Array of its vectors) beside one inference record per job. **Indexed** = the last vector's write transaction committed; timed in the page from the semantic index's first request on \`vectorBlocks\` (its catch-up, after the first paint and the word index). Baseline (oracle): the plain TypeScript embedder on the main thread of a same-origin page, no worker and no ONNX, reading the same thoughts and writing the vectors to its own database in transactions of 1,000: one row per thought (as the app did before it stored blocks), and one row per transaction holding all 1,000 vectors (close to the app's layout). Model loading untimed for the oracle. ${ROUNDS} rounds after one untimed run each, in rotating order; p95 of ${ROUNDS} samples is close to the maximum.`,
			'',
			machineInfo(),
			`- ${chromiumVersion()} (headless, Debian); playwright-core ${packageVersion('playwright-core')}, dexie ${packageVersion('dexie')}`,
			'',
			targetLine,
			'',
			resultTable,
			'',
			notes,
			'',
			WHY
		].join('\n')
	);
	await formatBenchmarksFile();
	console.log(resultTable);
	console.log(notes);
	console.log(targetLine);
	reportSummary([
		{
			bench: 'embed-browser',
			metric: `index ${label} in Chromium, p50`,
			ours: `${fmt(o.p50)} ms`,
			baseline: `${fmt(b.p50)} ms`,
			ratio: ratio(o.p50, b.p50),
			note:
				SIZE === TARGET_SIZE
					? `target ≤ ${TARGET_MS / 1000} s ${isMet ? 'met' : 'not met'}`
					: 'vs TypeScript oracle'
		}
	]);
	console.log(`embed in Chromium: done in ${fmt((performance.now() - started) / 1000)} s`);
}

await runBench(main);
