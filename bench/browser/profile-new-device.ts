import { writeFileSync } from 'node:fs';
import { generateThoughts } from '../../scripts/seed-data';
import { fmt, table } from '../lib/report';
import { ensureBuild, relayUnloaded, startAppServer } from './lib/app-server';
import { firstPage, launchProfile, newProfileDir } from './lib/browser';
import { addInstrumentation, readTrace, type TraceEvent } from './lib/instrument';
import { addProbe, waitForMark } from './lib/probe';
import {
	cliOption,
	cpuTables,
	eventTotals,
	readCpuProfile,
	startCpuProfile
} from './lib/profile-report';
import { SESSION_COOKIE, seedRelay, signIn } from './lib/relay-account';
import { runBench } from './lib/teardown';

/**
 * Where a new device's full sync spends its time: the setup of new-device-sync.bench.ts, one
 * browser sync with a CDP CPU profile of the page and timestamps of every WebSocket message,
 * IndexedDB request and AI worker job (lib/instrument.ts), summarised per time slice. Not part
 * of `npm run bench`; it writes nothing to BENCHMARKS.md.
 *
 *   npx tsx bench/browser/profile-new-device.ts [--size 50000] [--cpuprofile file.cpuprofile]
 */

const SIZE = Number(cliOption('--size') ?? 50_000);
const CPU_PROFILE_FILE = cliOption('--cpuprofile');
const PASSWORD = 'a long benchmark passphrase';
const SLICES = 8;

/** Per time slice: bytes received, view rows written, texts embedded, CPU busy. */
function sliceTable(
	events: TraceEvent[],
	done: number,
	busyMs: (from: number, to: number) => number
) {
	const width = done / SLICES;
	const sum = (value: (e: TraceEvent) => number, from: number, to: number) =>
		events.filter((e) => e.start >= from && e.start < to).reduce((s, e) => s + value(e), 0);
	const isWrite = (e: TraceEvent) => e.what.startsWith('idb put') || e.what.startsWith('idb add');
	const rows = Array.from({ length: SLICES }, (_, i) => {
		const [from, to] = [i * width, (i + 1) * width];
		return [
			`${fmt(from)}–${fmt(to)}`,
			fmt(sum((e) => (e.what === 'websocket message received' ? e.n : 0), from, to) / 1024),
			String(sum((e) => (isWrite(e) ? 1 : 0), from, to)),
			String(sum((e) => (e.what === 'ai worker embed job' ? e.n : 0), from, to)),
			`${fmt((100 * busyMs(from, to)) / width)}%`
		];
	});
	return table(
		['ms', 'KiB received', 'IDB writes', 'texts sent to embed', 'main thread busy'],
		rows
	);
}

async function main(): Promise<void> {
	ensureBuild();
	const server = await startAppServer();
	const username = `profile_${Date.now().toString(36)}`;
	const owner = await signIn(server.base, 'register', username, PASSWORD);
	console.log(`profile: seeding ${SIZE.toLocaleString('en-US')} thoughts on the relay…`);
	await seedRelay(server.base, owner, generateThoughts(SIZE, 20240601, Date.UTC(2024, 0, 1)));
	await relayUnloaded(server.base);

	const session = await signIn(server.base, 'login', username, PASSWORD);
	const context = await launchProfile(newProfileDir(), server.base);
	await context.addCookies([
		{
			name: SESSION_COOKIE,
			value: session.token,
			url: server.base,
			httpOnly: true,
			sameSite: 'Lax'
		}
	]);
	const account = JSON.stringify({ userId: session.userId, username });
	await context.addInitScript({
		content: `localStorage.setItem('t10x:account', ${JSON.stringify(account)});`
	});
	await addInstrumentation(context);
	await addProbe(context, {
		list: 'Thoughts',
		query: null,
		done: { status: 'Synced', summary: `${SIZE} thoughts` }
	});
	const page = await firstPage(context);
	await page.goto('/healthz');
	const stopProfile = await startCpuProfile(context, page, 1000);
	await page.goto('/');
	const marks = await waitForMark(page, 'done', 5 * 60_000);
	const profile = await stopProfile();
	const trace = await readTrace(page);
	await context.close();
	if (CPU_PROFILE_FILE) writeFileSync(CPU_PROFILE_FILE, JSON.stringify(profile));

	const cpu = await readCpuProfile(profile, trace);
	const done = marks.done ?? NaN;
	const busyMs = (from: number, to: number) =>
		cpu.samples
			.filter((s) => s.at >= from && s.at < to && s.functionName !== '(idle)')
			.reduce((sum, s) => sum + s.ms, 0);
	console.log(
		[
			`# New-device sync profile, ${SIZE.toLocaleString('en-US')} thoughts`,
			'',
			`Marks (ms from navigation start): first thought painted ${fmt(marks.firstPaint ?? NaN)}, "Synced" with ${SIZE} thoughts ${fmt(done)}.`,
			'',
			'## Over time',
			'',
			sliceTable(trace.events, done, busyMs),
			'',
			'## Sync status changes (a "Synced" before the last one is a transient state)',
			'',
			trace.events
				.filter((e) => e.what.startsWith('sync status'))
				.slice(0, 30)
				.map((e) => `- ${fmt(e.start)} ms: ${e.what.replace('sync status ', '')}`)
				.join('\n'),
			'',
			'## By kind, until "Synced"',
			'',
			eventTotals(trace.events, done, 25),
			'',
			`## Main-thread CPU, navigation → "Synced" (0–${fmt(done)} ms)`,
			'',
			cpuTables(cpu, 0, done)
		].join('\n')
	);
}

await runBench(main);
