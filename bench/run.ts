import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT, fmt, formatBenchmarksFile, table, type SummaryRow } from './lib/report';

/**
 * Runs every benchmark in sequence: bench/*.bench.ts, then bench/relay/*.bench.ts and
 * bench/browser/*.bench.ts (real Chromium against the production build) when present.
 *
 *   npx tsx bench/run.ts [--quick] [--only <part of a file name>]
 *
 * Each one runs in its own Node process: no JIT state, heap or open sockets carry over from one
 * benchmark to the next, and one that calls process.exit cannot end the others. Each writes its
 * own section of BENCHMARKS.md; this prints the headline rows at the end. A benchmark that crashes
 * makes the exit status non-zero; slow numbers never do.
 */

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;

function benchesIn(dir: string): string[] {
	const full = path.join(ROOT, dir);
	if (!existsSync(full)) return [];
	return readdirSync(full)
		.filter((name) => name.endsWith('.bench.ts'))
		.sort()
		.map((name) => path.join(dir, name));
}

const files = [
	...benchesIn('bench'),
	...benchesIn('bench/relay'),
	...benchesIn('bench/browser')
].filter((file) => !only || file.includes(only));
const npmScript = process.env.npm_lifecycle_event;
const invokedAs = npmScript?.startsWith('bench')
	? `npm run ${npmScript}`
	: ['npx tsx bench/run.ts', ...args].join(' ');

const scratch = mkdtempSync(path.join(tmpdir(), 'thoughts10x-bench-'));
const summaryFile = path.join(scratch, 'summary.jsonl');
const outcomes: { file: string; seconds: number; status: string }[] = [];

for (const file of files) {
	console.log(`\n━━ ${file}${quick ? ' --quick' : ''}`);
	const started = performance.now();
	const result = spawnSync(
		process.execPath,
		['--import', 'tsx', path.join(ROOT, file), ...(quick ? ['--quick'] : [])],
		{
			cwd: ROOT,
			stdio: 'inherit',
			env: {
				...process.env,
				BENCH_SUMMARY_FILE: summaryFile,
				BENCH_COMMAND: `${invokedAs} (runs ${['npx tsx', file, ...(quick ? ['--quick'] : [])].join(' ')})`
			}
		}
	);
	const status =
		result.error?.message ??
		(result.signal
			? `killed (${result.signal})`
			: result.status === 0
				? 'ok'
				: `exit ${result.status}`);
	outcomes.push({ file, seconds: (performance.now() - started) / 1000, status });
}

// Benchmarks that do not format their own section (bench/relay) would otherwise break lint.
await formatBenchmarksFile();

const rows: SummaryRow[] = existsSync(summaryFile)
	? readFileSync(summaryFile, 'utf8')
			.split('\n')
			.filter(Boolean)
			.map((line) => JSON.parse(line) as SummaryRow)
	: [];
rmSync(scratch, { recursive: true, force: true });

console.log('\n━━ Summary (ours vs baseline, same run; details in BENCHMARKS.md)\n');
if (rows.length > 0) {
	console.log(
		table(
			['bench', 'metric', 'ours', 'baseline', 'ratio', 'note'],
			rows.map((row) => [row.bench, row.metric, row.ours, row.baseline, row.ratio, row.note ?? ''])
		)
	);
	console.log();
}
console.log(
	table(
		['benchmark', 'status', 'seconds'],
		outcomes.map((outcome) => [outcome.file, outcome.status, fmt(outcome.seconds)])
	)
);
process.exitCode = outcomes.every((outcome) => outcome.status === 'ok') ? 0 : 1;
