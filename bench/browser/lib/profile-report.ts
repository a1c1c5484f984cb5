import type { BrowserContext, Page } from 'playwright-core';
import { fmt, table } from '../../lib/report';
import { samplesInPageTime, selfTime, type CpuProfile, type Sample } from './cpu-profile';
import type { PageTrace, TraceEvent } from './instrument';

/**
 * Shared by the profile-*.ts scripts: a CDP CPU profile of one page in page time, and tables of
 * its CPU self time per script and of the instrumented events (lib/instrument.ts).
 */

/** What a script holds, told by strings its minified code still contains. */
const MARKERS: [string, RegExp][] = [
	['minisearch', /MiniSearch/],
	['dexie', /Dexie/],
	['yjs', /Yjs was already imported/],
	['marked+dompurify', /DOMPurify/],
	['svelte runtime', /svelte\.dev\/e\//],
	['hocuspocus', /HocuspocusProvider/],
	['onnxruntime', /onnxruntime/]
];

export function cliOption(name: string): string | undefined {
	const at = process.argv.indexOf(name);
	return at >= 0 ? process.argv[at + 1] : undefined;
}

/**
 * Starts sampling the page's renderer. Call it on a same-origin page the service worker lets
 * through (e.g. /healthz), so the next navigation stays in the profiled renderer. Long runs need
 * a coarser interval: V8 keeps a bounded number of samples.
 */
export async function startCpuProfile(context: BrowserContext, page: Page, samplingUs = 200) {
	const cdp = await context.newCDPSession(page);
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: samplingUs });
	await cdp.send('Profiler.start');
	return async (): Promise<CpuProfile> =>
		((await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile }).profile;
}

export interface CpuReport {
	samples: Sample[];
	labels: Map<string, string>;
}

export async function readCpuProfile(profile: CpuProfile, trace: PageTrace): Promise<CpuReport> {
	const samples = samplesInPageTime(profile, 'benchClockSync', trace.clockSync);
	const labels = new Map<string, string>();
	for (const url of new Set(samples.map((s) => s.url))) {
		if (!url.startsWith('http')) {
			labels.set(url, url || '(native / no script)');
			continue;
		}
		const code = await (await fetch(url)).text();
		const found = MARKERS.filter(([, marker]) => marker.test(code)).map(([name]) => name);
		const file = new URL(url).pathname.replace('/_app/immutable/', '');
		labels.set(url, `${file}${found.length ? ` (${found.join(', ')})` : ''}`);
	}
	return { samples, labels };
}

/** Self time per script and per function within [from, to). */
export function cpuTables({ samples, labels }: CpuReport, from: number, to: number): string {
	const script = (s: Sample) => (s.url ? (labels.get(s.url) ?? s.url) : s.functionName);
	const byScript = selfTime(samples, from, to, script).slice(0, 12);
	const byFunction = selfTime(samples, from, to, (s) =>
		s.url ? `${s.functionName} @ ${script(s).split(' ')[0]}:${s.line}:${s.column}` : s.functionName
	).slice(0, 12);
	return [
		table(
			['script (self time)', 'ms'],
			byScript.map(([k, ms]) => [k, fmt(ms)])
		),
		'',
		table(
			['function (self time)', 'ms'],
			byFunction.map(([k, ms]) => [k, fmt(ms)])
		)
	].join('\n');
}

/**
 * Events in start order: all of them before `until`; after it, IndexedDB requests only when
 * they lasted `minMs` or more (there are thousands).
 */
export function eventTimeline(events: TraceEvent[], until: number, minMs: number): string {
	const rows = events
		.filter((e) => !e.what.startsWith('idb ') || e.start < until || e.end - e.start >= minMs)
		.sort((a, b) => a.start - b.start)
		.map((e) => [fmt(e.start), fmt(e.end), fmt(e.end - e.start), e.what, e.n ? String(e.n) : '']);
	return table(['start', 'end', 'ms', 'what', 'rows / texts / bytes'], rows);
}

/** Events that started before `to`, grouped by what they are, largest summed duration first. */
export function eventTotals(events: TraceEvent[], to: number, limit = 15): string {
	const totals = new Map<string, { count: number; sum: number; max: number; n: number }>();
	const spans = new Map<string, { first: number; last: number }>();
	for (const e of events) {
		if (e.start >= to) continue;
		const ms = (Number.isFinite(e.end) ? e.end : to) - e.start;
		const t = totals.get(e.what) ?? { count: 0, sum: 0, max: 0, n: 0 };
		totals.set(e.what, {
			count: t.count + 1,
			sum: t.sum + ms,
			max: Math.max(t.max, ms),
			n: t.n + e.n
		});
		const span = spans.get(e.what) ?? { first: e.start, last: e.start + ms };
		spans.set(e.what, { first: span.first, last: Math.max(span.last, e.start + ms) });
	}
	const rows = [...totals]
		.sort((a, b) => b[1].sum - a[1].sum)
		.slice(0, limit)
		.map(([what, t]) => {
			const span = spans.get(what)!;
			return [
				what,
				String(t.count),
				fmt(t.max),
				fmt(t.sum),
				String(t.n),
				`${fmt(span.first)}–${fmt(span.last)}`
			];
		});
	return table(
		['what', 'count', 'max ms', 'sum ms (overlapping)', 'rows / texts / bytes', 'from–to ms'],
		rows
	);
}
