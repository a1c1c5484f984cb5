import { writeFileSync } from 'node:fs';
import { generateThoughts } from '../../scripts/seed-data';
import { fmt } from '../lib/report';
import { ensureBuild, startAppServer } from './lib/app-server';
import { firstPage, launchProfile } from './lib/browser';
import { addInstrumentation, readTrace } from './lib/instrument';
import { addProbe, waitForMark } from './lib/probe';
import {
	cliOption,
	cpuTables,
	eventTimeline,
	eventTotals,
	readCpuProfile,
	startCpuProfile
} from './lib/profile-report';
import { seedAppProfile } from './lib/seed-profile';
import { runBench } from './lib/teardown';

/**
 * Where a cold start of the app spends its time, for whoever makes it faster: the same setup and
 * cold load as cold-start.bench.ts, once, with a CDP CPU profile of the page and timestamps of
 * every IndexedDB request, AI worker job and search status change (lib/instrument.ts). Not part
 * of `npm run bench`; it writes nothing to BENCHMARKS.md.
 *
 *   npx tsx bench/browser/profile-cold-start.ts [--size 50000] [--cpuprofile file.cpuprofile]
 */

const SIZE = Number(cliOption('--size') ?? 50_000);
const CPU_PROFILE_FILE = cliOption('--cpuprofile');
const QUERY = 'budget';

async function main(): Promise<void> {
	ensureBuild();
	const server = await startAppServer();
	console.log(`profile: seeding ${SIZE.toLocaleString('en-US')} thoughts…`);
	const thoughts = generateThoughts(SIZE, 20240601, Date.UTC(2024, 0, 1));
	const app = await seedAppProfile(server.base, thoughts);

	// One unprofiled cold start first, as in the bench.
	const warm = await launchProfile(app.dir, server.base);
	await addProbe(warm, { list: 'Thoughts', query: QUERY, done: null });
	await (await firstPage(warm)).goto('/');
	await waitForMark(await firstPage(warm), 'resultPaint', 60_000);
	await warm.close();

	const context = await launchProfile(app.dir, server.base);
	await addInstrumentation(context);
	await addProbe(context, { list: 'Thoughts', query: QUERY, done: null });
	const page = await firstPage(context);
	await page.goto('/healthz');
	const stopProfile = await startCpuProfile(context, page);
	await page.goto('/');
	const marks = await waitForMark(page, 'resultPaint', 60_000);
	const profile = await stopProfile();
	const trace = await readTrace(page);
	await context.close();
	if (CPU_PROFILE_FILE) writeFileSync(CPU_PROFILE_FILE, JSON.stringify(profile));

	const cpu = await readCpuProfile(profile, trace);
	const paint = marks.firstPaint ?? NaN;
	const result = marks.resultPaint ?? NaN;
	const longTasks = (from: number, to: number) =>
		trace.events
			.filter((e) => e.what === 'long task' && e.start >= from && e.start < to)
			.reduce((sum, e) => sum + e.end - e.start, 0);
	const events = trace.events.filter((e) => !e.what.startsWith('websocket'));
	console.log(
		[
			`# Cold start profile, ${SIZE.toLocaleString('en-US')} thoughts`,
			'',
			`Marks (ms from navigation start): DOMContentLoaded ${fmt(marks.domContentLoaded ?? NaN)}, first timeline item ${fmt(marks.firstItem ?? NaN)}, painted ${fmt(paint)}, "${QUERY}" typed ${fmt(marks.typed ?? NaN)}, first result painted ${fmt(result)}. Long tasks: ${fmt(longTasks(0, paint))} ms before the first paint, ${fmt(longTasks(paint, result))} ms between it and the first result.`,
			'',
			'## Timeline (every event before the first paint; after it, IndexedDB requests ≥ 20 ms)',
			'',
			eventTimeline(events, paint, 20),
			'',
			'## Until the first result, by kind',
			'',
			eventTotals(events, result),
			'',
			`## Main-thread CPU, navigation → first paint (0–${fmt(paint)} ms)`,
			'',
			cpuTables(cpu, 0, paint),
			'',
			`## Main-thread CPU, first paint → first result (${fmt(paint)}–${fmt(result)} ms)`,
			'',
			cpuTables(cpu, paint, result)
		].join('\n')
	);
}

await runBench(main);
