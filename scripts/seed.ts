/**
 * Writes a realistic export file to import on a device:
 *   npm run seed -- --thoughts 50000 --out FILE [--seed N]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { toExportJson } from '../src/lib/features/data/export-files';
import { defaultSeedEnd, generateThoughts } from './seed-data';

const USAGE = 'usage: npm run seed -- --thoughts N --out FILE [--seed N]';
const MAX_THOUGHTS = 1_000_000;

interface Options {
	thoughts: number;
	out: string;
	seed: number;
}

function main(): void {
	const started = performance.now();
	const options = readOptions();
	const end = defaultSeedEnd();
	const thoughts = generateThoughts(options.thoughts, options.seed, end);
	const bytes = Buffer.from(toExportJson(thoughts, new Date(end)));
	try {
		writeFileSync(options.out, bytes);
	} catch (error) {
		console.error(`seed: cannot write ${options.out}: ${(error as Error).message}`);
		process.exit(1);
	}
	const ms = Math.round(performance.now() - started);
	const size = `${bytes.length} bytes, ${(bytes.length / 1024 / 1024).toFixed(1)} MiB`;
	console.log(`Wrote ${thoughts.length} thoughts (${size}) to ${options.out} in ${ms} ms`);
}

function readOptions(): Options {
	let values: { thoughts?: string; out?: string; seed?: string };
	try {
		({ values } = parseArgs({
			options: {
				thoughts: { type: 'string' },
				out: { type: 'string' },
				seed: { type: 'string', default: '1' }
			}
		}));
	} catch (error) {
		return usageError((error as Error).message);
	}
	const thoughts = wholeNumber(values.thoughts);
	if (thoughts === null || thoughts < 1 || thoughts > MAX_THOUGHTS) {
		return usageError(`--thoughts must be a whole number from 1 to ${MAX_THOUGHTS}`);
	}
	const seed = wholeNumber(values.seed);
	if (seed === null || seed > 0xffffffff) {
		return usageError('--seed must be a whole number from 0 to 4294967295');
	}
	if (!values.out) return usageError('--out FILE is required');
	return { thoughts, out: values.out, seed };
}

function wholeNumber(value: string | undefined): number | null {
	return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

function usageError(message: string): never {
	console.error(`seed: ${message}\n${USAGE}`);
	process.exit(2);
}

main();
