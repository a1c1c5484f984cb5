import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Shared by every benchmark: percentiles, machine facts, and writing one delimited section of
 * BENCHMARKS.md. Numbers are only comparable within one run (ours vs its baseline, alternated),
 * so every table carries the machine it ran on and never a pass/fail on wall-clock.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BENCHMARKS_FILE = path.join(ROOT, 'BENCHMARKS.md');
export const isQuick = process.argv.includes('--quick');

export function percentile(samples: readonly number[], p: number): number {
	if (samples.length === 0) return NaN;
	const sorted = [...samples].sort((a, b) => a - b);
	// Nearest rank: with few samples an interpolated p99 would invent a value never measured.
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface Summary {
	n: number;
	p50: number;
	p95: number;
	p99: number;
	mean: number;
}

export function summarise(samples: readonly number[]): Summary {
	return {
		n: samples.length,
		p50: percentile(samples, 50),
		p95: percentile(samples, 95),
		p99: percentile(samples, 99),
		mean: samples.reduce((sum, x) => sum + x, 0) / Math.max(1, samples.length)
	};
}

/** Fixed significant digits: sub-millisecond latencies and thousands of items/s in one table. */
export function fmt(value: number, digits = 3): string {
	if (!Number.isFinite(value)) return '–';
	if (Math.abs(value) >= 10 ** digits) return Math.round(value).toLocaleString('en-US');
	return Number(value.toPrecision(digits)).toString();
}

export function ratio(ours: number, baseline: number): string {
	return baseline > 0 && Number.isFinite(ours) ? `${fmt(ours / baseline)}×` : '–';
}

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
	try {
		return (require(path.join(ROOT, 'node_modules', name, 'package.json')) as { version: string })
			.version;
	} catch {
		return 'not installed';
	}
}

/** How the run was started, so a reader can repeat it exactly. */
export function command(): string {
	if (process.env.BENCH_COMMAND) return process.env.BENCH_COMMAND;
	return ['npx tsx', path.relative(ROOT, process.argv[1]), ...process.argv.slice(2)].join(' ');
}

export function machineInfo(): string {
	const cpus = os.cpus();
	const versions = ['yjs', 'minisearch', 'onnxruntime-web', 'onnxruntime-node']
		.map((name) => `${name} ${packageVersion(name)}`)
		.join(', ');
	return [
		`- Date: ${new Date().toISOString()}`,
		`- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.arch()}, load average ${os
			.loadavg()
			.map((x) => x.toFixed(2))
			.join(' / ')}`,
		`- Node ${process.version}; ${versions}`,
		`- Command: \`${command()}\`${isQuick ? ' (quick mode: smaller sizes, fewer rounds)' : ''}`
	].join('\n');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
	const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Replaces (or appends) the section between `<!-- bench:name -->` and `<!-- /bench:name -->`,
 * leaving every other section as it is: other benchmarks write their own sections to this file.
 */
export function writeSection(name: string, body: string): void {
	const open = `<!-- bench:${name} -->`;
	const close = `<!-- /bench:${name} -->`;
	const block = `${open}\n${body.trim()}\n${close}`;
	const current = existsSync(BENCHMARKS_FILE)
		? readFileSync(BENCHMARKS_FILE, 'utf8')
		: '# Benchmarks\n\nWritten by `npm run bench` (or `npm run bench:quick`); each section is replaced by its own benchmark. Ours and a baseline run alternately in the same process, so compare ratios, not absolute times across machines.\n';
	const start = current.indexOf(open);
	const end = current.indexOf(close);
	const next =
		start >= 0 && end > start
			? current.slice(0, start) + block + current.slice(end + close.length)
			: `${current.trimEnd()}\n\n${block}\n`;
	// Write then rename: a benchmark killed midway must not leave a truncated file behind.
	const temporary = `${BENCHMARKS_FILE}.${process.pid}.tmp`;
	writeFileSync(temporary, next);
	renameSync(temporary, BENCHMARKS_FILE);
}

/**
 * BENCHMARKS.md is under `prettier --check .` (npm run lint): generated tables must leave it
 * formatted. Formats the whole file because other benchmarks' sections may not be.
 */
export async function formatBenchmarksFile(): Promise<void> {
	if (!existsSync(BENCHMARKS_FILE)) return;
	const prettier = await import('prettier');
	const options = (await prettier.resolveConfig(BENCHMARKS_FILE)) ?? {};
	const text = readFileSync(BENCHMARKS_FILE, 'utf8');
	const formatted = await prettier.format(text, { ...options, filepath: BENCHMARKS_FILE });
	if (formatted !== text) writeFileSync(BENCHMARKS_FILE, formatted);
}

export interface SummaryRow {
	bench: string;
	metric: string;
	ours: string;
	baseline: string;
	ratio: string;
	note?: string;
}

/** Headline rows for bench/run.ts's closing table (one JSON line each, in a file it names). */
export function reportSummary(rows: readonly SummaryRow[]): void {
	const file = process.env.BENCH_SUMMARY_FILE;
	if (!file) return;
	appendFileSync(file, rows.map((row) => JSON.stringify(row) + '\n').join(''));
}

/** Lets the event loop and the GC breathe between measurements, as a page between keystrokes. */
export function settle(): Promise<void> {
	return new Promise((resolve) => setImmediate(resolve));
}
