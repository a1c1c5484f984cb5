import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { InferencePool } from '../server/ai/inference-pool';
import { spawnModelRunner } from '../server/ai/spawn-model-runner';
import { loadStaticModels } from '../server/ai/static-models';
import { padBatch, tokenize } from '../sync/ai/tokenizer';
import { generateThoughts } from '../scripts/seed-data';
import { ROOT, summarise } from './lib/report';

/**
 * Where a server job's time goes (the fairness benchmark's job: 64 texts of six seeded thoughts,
 * built-in model): tokenising and the ORT run in this process, against the same job through a
 * model runner process, whose round trip adds the IPC both ways. Rounds alternate.
 *
 *   npx tsx bench/profile-ai-runner.ts
 */
const ROUNDS = 3;
const JOBS = 80;
const WARM_UP = 20;

const model = [...loadStaticModels(join(ROOT, 'static/models')).values()][0];
const thoughts = generateThoughts(12_000, 20240601, Date.UTC(2024, 0, 1)).map((t) => t.text);
const texts = Array.from({ length: 2_000 }, (_, i) => thoughts.slice(i * 6, i * 6 + 6).join(' '));
const batchAt = (i: number) => texts.slice((i * 64) % 1900, ((i * 64) % 1900) + 64);
const p50 = (values: number[]) => summarise(values).p50.toFixed(2);

const session = await InferenceSession.create(readFileSync(model.modelFile), {
	executionProviders: ['cpu'],
	intraOpNumThreads: 1,
	interOpNumThreads: 1,
	executionMode: 'sequential'
});

async function inProcess(): Promise<string> {
	const tokenizing: number[] = [];
	const running: number[] = [];
	for (let i = 0; i < JOBS; i++) {
		const started = performance.now();
		const rows = batchAt(i).map((text) => tokenize(text, model.vocab));
		const { ids, length } = padBatch(rows);
		const tokenized = performance.now();
		await session.run({ input_ids: new Tensor('int32', ids, [rows.length, length]) });
		if (i < WARM_UP) continue;
		tokenizing.push(tokenized - started);
		running.push(performance.now() - tokenized);
	}
	return `in this process: tokenise ${p50(tokenizing)} ms + ORT ${p50(running)} ms`;
}

async function throughRunner(): Promise<string> {
	const { id, modelFile, vocabFile } = model;
	const setup = { builtins: [{ id, modelFile, vocabFile }], cacheBytes: 0, maxOutputValues: 1e6 };
	const pool = new InferencePool({ workers: 1, queueLength: 8, jobTimeoutMs: 30_000 }, () =>
		spawnModelRunner(setup, { heapMb: 256, memoryMb: 3072 })
	);
	const trips: number[] = [];
	const inRunner: number[] = [];
	try {
		for (let i = 0; i < JOBS; i++) {
			const started = performance.now();
			const outcome = await pool.run(
				{ task: 'embed', embedder: { builtin: id }, texts: batchAt(i) },
				{ tenant: 'profile', priority: 'bulk' }
			);
			if (i < WARM_UP) continue;
			trips.push(performance.now() - started);
			inRunner.push(outcome.runMs);
		}
	} finally {
		await pool.close();
	}
	return `through a runner: ${p50(trips)} ms round trip, of which ${p50(inRunner)} ms in the runner`;
}

for (let round = 1; round <= ROUNDS; round++) {
	console.log(`round ${round}: ${await inProcess()}; ${await throughRunner()}`);
}
