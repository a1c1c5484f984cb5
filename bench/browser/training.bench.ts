import { performance } from 'node:perf_hooks';
import type { BrowserContext, Page } from 'playwright-core';
import { generateThoughts } from '../../scripts/seed-data';
import {
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
} from '../lib/report';
import { ensureBuild, startAppServer } from './lib/app-server';
import { chromiumVersion, firstPage, launchProfile, packageVersion } from './lib/browser';
import { addInstrumentation, readTrace } from './lib/instrument';
import { cpuTables, eventTotals, readCpuProfile, startCpuProfile } from './lib/profile-report';
import { seedAppProfile } from './lib/seed-profile';
import { runBench } from './lib/teardown';
import {
	addTrainingProbe,
	readMarks,
	typeSteadily,
	type TrainingMarks
} from './lib/training-probe';

/**
 * Training the personal tag model in real Chromium (issue 10): a profile of N tagged thoughts,
 * then, as a user does it, "Train tag model" clicked on /ai, the Thoughts link followed, and
 * typing in the capture box until the run's notice appears. Timed in the page: the whole run
 * (click → notice) and the training worker's share (job posted → head answered). Input-to-paint
 * latency of every keystroke while it runs is compared with the same typing on an idle app, in
 * alternated rounds of the same browser. No page hook: the app has none for training.
 *
 *   npx tsx bench/browser/training.bench.ts [--quick]
 */

const SIZES = isQuick ? [3_000] : [10_000, 50_000];
const ROUNDS = isQuick ? 2 : 3;
const SEED = 20240601;
const GAP_MS = 60;
const IDLE_KEYS = isQuick ? 60 : 150;
const RUN_TIMEOUT_MS = 300_000;
const TARGET_SIZE = 50_000;
const TARGET_MS = 10_000;
const TARGET_LATENCY_RATIO = 1.2;

/** `count` thoughts that carry at least one tag (about 40% of the seeded ones do). */
function taggedThoughts(count: number) {
	const tagged = generateThoughts(Math.ceil(count * 2.8), SEED, Date.UTC(2024, 0, 1)).filter(
		(thought) => thought.tags.length > 0
	);
	if (tagged.length < count) throw new Error(`only ${tagged.length} tagged thoughts seeded`);
	return tagged.slice(0, count);
}

interface Round {
	marks: TrainingMarks;
	keys: number[];
	/** Keystrokes while the training worker ran (job posted → answer). */
	workerKeys: number[];
}

/** /ai, then (when training) the button, then the Thoughts link and steady typing. */
async function round(page: Page, context: BrowserContext, isTraining: boolean): Promise<Round> {
	await page.goto('/ai');
	const button = page.getByRole('button', { name: 'Train tag model' });
	await button.waitFor();
	// The app loads its indexes after the first paint: both kinds of round start from rest.
	await page.waitForTimeout(2_000);
	if (isTraining) await button.click();
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Thoughts' })
		.click();
	const box = page.getByRole('textbox', { name: 'New thought' });
	await box.click();
	await page.evaluate(() => (window.__trainingMarks!.isRecording = true));
	const cdp = await context.newCDPSession(page);
	const deadline = Date.now() + RUN_TIMEOUT_MS;
	await typeSteadily(cdp, {
		gapMs: GAP_MS,
		maxKeys: isTraining ? Math.ceil(RUN_TIMEOUT_MS / GAP_MS) : IDLE_KEYS,
		isDone: isTraining
			? async () => {
					if (Date.now() > deadline) throw new Error('training did not end in time');
					const marks = await readMarks(page);
					return marks.outcome !== undefined || marks.failed !== undefined;
				}
			: undefined
	});
	await cdp.detach();
	await page.waitForTimeout(200);
	const marks = await readMarks(page);
	await page.evaluate(() => (window.__trainingMarks!.isRecording = false));
	await box.fill('');
	if (isTraining && (marks.failed || !marks.trained || !marks.notice?.includes('tag model'))) {
		throw new Error(`training failed: ${marks.failed ?? marks.notice ?? 'no outcome'}`);
	}
	const during = (from?: number, to?: number) =>
		marks.keys.filter((k) => k.at >= from! && k.at <= to!).map((k) => k.ms);
	return {
		marks,
		keys: isTraining ? during(marks.click, marks.outcome) : marks.keys.map((k) => k.ms),
		workerKeys: during(marks.posted, marks.trained)
	};
}

/** One extra, untimed training run with a CPU profile of the page and its long tasks. */
async function profileRun(dir: string, base: string): Promise<string> {
	const context = await launchProfile(dir, base);
	try {
		await addInstrumentation(context);
		await addTrainingProbe(context);
		const page = await firstPage(context);
		await page.goto('/healthz');
		const stop = await startCpuProfile(context, page, 1000);
		const { marks } = await round(page, context, true);
		const profile = await stop();
		const trace = await readTrace(page);
		const [from, to] = [marks.click!, marks.outcome!];
		const events = trace.events.filter(
			(e) => e.start >= from && e.start < to && !e.what.startsWith('idb ')
		);
		return [
			`Page main thread from the click (${fmt(from)} ms) to the notice (${fmt(to)} ms), one more run with a CDP CPU profile (1 ms sampling) and long tasks recorded:`,
			'',
			eventTotals(events, to, 8),
			'',
			cpuTables(await readCpuProfile(profile, trace), from, to)
		].join('\n');
	} finally {
		await context.close();
	}
}

interface SizeResult {
	section: string;
	summary: SummaryRow[];
	verdicts: string[];
	isMissed: boolean;
	dir: string;
}

async function measureSize(base: string, size: number): Promise<SizeResult> {
	const label = size.toLocaleString('en-US');
	console.log(`training: seeding ${label} tagged thoughts…`);
	const app = await seedAppProfile(base, taggedThoughts(size));
	const context = await launchProfile(app.dir, base);
	await addTrainingProbe(context);
	const page = await firstPage(context);
	page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
	const runs: Round[] = [];
	const idle: Round[] = [];
	// One untimed training first: the first after seeding also pays for caches and the model.
	await round(page, context, true);
	for (let i = 0; i < ROUNDS; i++) {
		const order = i % 2 === 0 ? [false, true] : [true, false];
		for (const isTraining of order)
			(isTraining ? runs : idle).push(await round(page, context, isTraining));
		const m = runs.at(-1)!.marks;
		console.log(
			`  round ${i + 1}/${ROUNDS}: run ${fmt(m.outcome! - m.click!)} ms, worker ${fmt(m.trained! - m.posted!)} ms (${m.examples} examples, ${m.labels} tags, ${m.epochs} epochs), ${runs.at(-1)!.keys.length} keys typed during it`
		);
	}
	await context.close();

	const ms = (pick: (m: TrainingMarks) => number) => summarise(runs.map((r) => pick(r.marks)));
	const total = ms((m) => m.outcome! - m.click!);
	const worker = ms((m) => m.trained! - m.posted!);
	const phases = [
		['whole run: click → notice', total],
		[
			'preparing (vectors without tags, data set): click → job posted',
			ms((m) => m.posted! - m.click!)
		],
		['training worker: job posted → head answered', worker],
		['  of which until the first epoch (cut-offset run)', ms((m) => m.firstEpoch! - m.posted!)],
		['  of which the epochs', ms((m) => m.lastEpoch! - m.firstEpoch!)],
		['  of which evaluation and ONNX after the last epoch', ms((m) => m.trained! - m.lastEpoch!)],
		['saving and gate: answer → notice', ms((m) => m.outcome! - m.trained!)]
	] as const;
	const timeTable = table(
		['ms', 'p50', 'p95'],
		phases.map(([name, s]) => [name, fmt(s.p50), fmt(s.p95)])
	);
	const idleKeys = summarise(idle.flatMap((r) => r.keys));
	const runKeys = summarise(runs.flatMap((r) => r.keys));
	const workerKeys = summarise(runs.flatMap((r) => r.workerKeys));
	const latencyRow = (name: string, s: typeof idleKeys) => [
		name,
		String(s.n),
		fmt(s.p50),
		fmt(s.p95),
		fmt(s.p99),
		ratio(s.p50, idleKeys.p50),
		ratio(s.p95, idleKeys.p95)
	];
	const latencyTable = table(
		['input-to-paint, ms', 'keys', 'p50', 'p95', 'p99', 'vs idle p50', 'vs idle p95'],
		[
			latencyRow('idle app (baseline)', idleKeys),
			latencyRow('during the whole training run', runKeys),
			latencyRow('while the training worker runs', workerKeys)
		]
	);
	console.log(timeTable);
	console.log(latencyTable);
	const first = runs[0].marks;
	const latencyMet = runKeys.p95 <= TARGET_LATENCY_RATIO * idleKeys.p95;
	const timeMet = worker.p50 <= TARGET_MS;
	const verdicts =
		size === TARGET_SIZE
			? [
					`training in the worker at 50,000 ≤ ${TARGET_MS / 1000} s: **${timeMet ? 'met' : 'not met'}** (median ${fmt(worker.p50 / 1000)} s; whole run from the click ${fmt(total.p50 / 1000)} s)`
				]
			: [];
	verdicts.push(
		`at ${label}, capture-box p95 during training within ${TARGET_LATENCY_RATIO}× of idle: **${latencyMet ? 'met' : 'not met'}** (${ratio(runKeys.p95, idleKeys.p95)} over the whole run, ${ratio(workerKeys.p95, idleKeys.p95)} while the worker runs)`
	);
	const section = [
		`### ${label} tagged thoughts`,
		'',
		`${first.examples} examples, ${first.labels} tags trained, ${first.epochs} epochs. ${ROUNDS} training runs and ${ROUNDS} idle typing rounds, alternated, after one untimed run. Setup (untimed): import ${fmt(app.importMs / 1000)} s, first embedding ${fmt(app.embedMs / 1000)} s.`,
		'',
		timeTable,
		'',
		latencyTable
	].join('\n');
	const summary: SummaryRow[] = [
		{
			bench: 'training',
			metric: `train tag model @ ${label}, worker p50`,
			ours: `${fmt(worker.p50)} ms`,
			baseline: `goal ${TARGET_MS} ms`,
			ratio: ratio(worker.p50, TARGET_MS),
			note: `whole run ${fmt(total.p50)} ms`
		},
		{
			bench: 'training',
			metric: `capture input-to-paint p95 @ ${label}, training vs idle`,
			ours: `${fmt(runKeys.p95)} ms`,
			baseline: `${fmt(idleKeys.p95)} ms`,
			ratio: ratio(runKeys.p95, idleKeys.p95),
			note: `goal ≤ ${TARGET_LATENCY_RATIO}× ${latencyMet ? 'met' : 'not met'}`
		}
	];
	const isMissed = !latencyMet || (size === TARGET_SIZE && !timeMet);
	return { section, summary, verdicts, isMissed, dir: app.dir };
}

async function main(): Promise<void> {
	const started = performance.now();
	ensureBuild();
	const server = await startAppServer();
	const results: SizeResult[] = [];
	for (const size of SIZES) results.push(await measureSize(server.base, size));
	// A missed goal comes with where the time went, from the largest size that missed one.
	const missed = results.findLast((result) => result.isMissed);
	const why = missed ? await profileRun(missed.dir, server.base) : '';
	const verdicts = results.flatMap((result) => result.verdicts);
	const targetLine = `Goals (issue 10): ${verdicts.join('; ')}.${isQuick ? ' The 50,000 goal is not measured in quick mode (run `npm run bench`).' : ''} Informational, not a test.`;
	writeSection(
		'training-browser',
		[
			'## Training the tag model in Chromium',
			'',
			`N tagged thoughts (the first N of \`generateThoughts(…, ${SEED})\` with a tag) imported into a profile and embedded. Each training run drives the production build as a user does (no page hook exists): on /ai it clicks **Train tag model** in the Models region, follows the Thoughts link and types into the capture box ("New thought") every ${GAP_MS} ms until the run's notice appears. Marks in the page: the click, the job posted to the training worker, its epochs, its answer, the notice. **Input-to-paint** = a keystroke's event timestamp to the first task after the next animation frame (key events are sent on schedule, so time queued behind a busy main thread counts). The baseline is the same typing (${IDLE_KEYS} keys) on the idle app in the same browser, alternated with the runs.`,
			'',
			machineInfo(),
			`- ${chromiumVersion()} (headless, Debian); playwright-core ${packageVersion('playwright-core')}, dexie ${packageVersion('dexie')}`,
			'',
			targetLine,
			'',
			...results.map((result) => result.section),
			...(why ? ['', '### Where the time went', '', why] : [])
		].join('\n')
	);
	await formatBenchmarksFile();
	reportSummary(results.flatMap((result) => result.summary));
	console.log(targetLine);
	if (why) console.log(why);
	console.log(`training: done in ${fmt((performance.now() - started) / 1000)} s`);
}

await runBench(main);
