import { writeFileSync } from 'node:fs';
import { generateThoughts } from '../../scripts/seed-data';
import { fmt } from '../lib/report';
import { ensureBuild, startAppServer } from './lib/app-server';
import { clearStore, firstPage, launchProfile } from './lib/browser';
import { addIndexProbe, waitForIndexed } from './lib/index-probe';
import { addInstrumentation, readTrace } from './lib/instrument';
import {
	cliOption,
	cpuTables,
	eventTotals,
	readCpuProfile,
	startCpuProfile
} from './lib/profile-report';
import { seedAppProfile } from './lib/seed-profile';
import { runBench } from './lib/teardown';

/**
 * Where indexing in the browser spends its time, for whoever makes it faster: the setup and one
 * round of embed-index.bench.ts, with a CDP CPU profile of the page's main thread and timestamps
 * of every IndexedDB request and AI worker job (post → reply, i.e. the worker's share). Not part
 * of `npm run bench`; it writes nothing to BENCHMARKS.md.
 *
 *   npx tsx bench/browser/profile-embed-index.ts [--size 50000] [--cpuprofile file.cpuprofile]
 */

const SIZE = Number(cliOption('--size') ?? 50_000);
const CPU_PROFILE_FILE = cliOption('--cpuprofile');
const VIEW_DB = 't10x-view:local';

async function main(): Promise<void> {
	ensureBuild();
	const server = await startAppServer();
	console.log(`profile: seeding ${SIZE.toLocaleString('en-US')} thoughts…`);
	const thoughts = generateThoughts(SIZE, 20240601, Date.UTC(2024, 0, 1));
	const app = await seedAppProfile(server.base, thoughts);

	const context = await launchProfile(app.dir, server.base);
	await addInstrumentation(context);
	await addIndexProbe(context, { database: VIEW_DB, target: SIZE });
	const page = await firstPage(context);
	await page.goto('/healthz');
	await clearStore(page, VIEW_DB, 'vectorBlocks');
	// Indexing 50,000 takes seconds: a coarser interval keeps the samples within V8's bound.
	const stopProfile = await startCpuProfile(context, page, 1000);
	await page.goto('/');
	const marks = await waitForIndexed(page, 180_000);
	const profile = await stopProfile();
	const trace = await readTrace(page);
	await context.close();
	if (CPU_PROFILE_FILE) writeFileSync(CPU_PROFILE_FILE, JSON.stringify(profile));

	const start = marks.start ?? NaN;
	const end = marks.indexed ?? NaN;
	const events = trace.events.filter((e) => e.start >= start && e.start < end);
	const jobs = events.filter((e) => e.what === 'ai worker embed job');
	const busy = jobs.reduce((sum, e) => sum + e.end - e.start, 0);
	const longTasks = events
		.filter((e) => e.what === 'long task')
		.reduce((sum, e) => sum + e.end - e.start, 0);
	const cpu = await readCpuProfile(profile, trace);
	console.log(
		[
			`# Indexing profile, ${SIZE.toLocaleString('en-US')} thoughts`,
			'',
			`Marks (ms from navigation start): indexing starts ${fmt(start)}, first embedding job ${fmt(marks.firstJob ?? NaN)}, last vector committed ${fmt(end)} (${fmt(end - start)} ms). ${marks.jobs} jobs, ${marks.writeTransactions} write transactions on vectorBlocks. A job is in flight (posted, not answered) ${fmt(busy)} ms of that; main-thread long tasks ${fmt(longTasks)} ms.`,
			'',
			'## Events while indexing, by kind',
			'',
			eventTotals(events, end),
			'',
			`## Main-thread CPU while indexing (${fmt(start)}–${fmt(end)} ms)`,
			'',
			cpuTables(cpu, start, end)
		].join('\n')
	);
}

await runBench(main);
