import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildHeadOnnx } from '../../models/head-onnx';
import { InferencePool } from '../../server/ai/inference-pool';
import { ModelRunError, PoolUnavailableError } from '../../server/ai/run-outcome';
import type { Artifact, RunTask } from '../../server/ai/runner-messages';
import { spawnModelRunner } from '../../server/ai/spawn-model-runner';
import { MODELS_DIR } from '../../server/services';
import { endlessHead } from '../fixtures/bad-models';
import { throwingHead, hungryHead } from '../fixtures/misbehaving-heads';
import { seededValues } from '../fixtures/onnx-builder';

/**
 * The model runners keep one tenant's bad model to that tenant's request: real runner processes
 * (onnxruntime-node, the address-space cap, the heap cap) run heads that throw, loop past the
 * timeout and ask for more memory than a runner has, beside a well-behaved tenant's jobs.
 */
const DIMS = 100;
const LABELS = 3;
const BUILTIN = 'glove-sif-50k';
const MODEL_DIR = join(MODELS_DIR!, BUILTIN);
const TIMEOUT_MS = 400;

let dir: string;
let pool: InferencePool;
const spawned: number[] = [];

function store(bytes: Uint8Array): Artifact {
	const sha256 = createHash('sha256').update(bytes).digest('hex');
	const path = join(dir, sha256);
	writeFileSync(path, bytes);
	return { sha256, path };
}

const tag = (head: Artifact, texts = ['a thought']): RunTask => ({
	task: 'tag',
	embedder: { builtin: BUILTIN },
	head,
	texts
});

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Resident memory of a process, from /proc (Linux). */
function residentMb(pid: number): number {
	const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
	return (pages * 4096) / 2 ** 20;
}

let good: Artifact;
let bad: Record<'throws' | 'loops' | 'hungry', Artifact>;

beforeAll(() => {
	// The pool reports runner trouble on stderr; these tests provoke plenty of it.
	vi.spyOn(console, 'error').mockImplementation(() => {});
	dir = mkdtempSync(join(tmpdir(), 't10x-isolation-'));
	good = store(
		buildHeadOnnx({
			dims: DIMS,
			labels: ['a', 'b', 'c'],
			weights: seededValues(DIMS * LABELS, 3),
			bias: new Float32Array(LABELS)
		})
	);
	bad = {
		throws: store(throwingHead(DIMS, LABELS)),
		loops: store(endlessHead(DIMS)),
		hungry: store(hungryHead(DIMS, LABELS))
	};
	const setup = {
		builtins: [
			{
				id: BUILTIN,
				modelFile: join(MODEL_DIR, 'model.onnx'),
				vocabFile: join(MODEL_DIR, 'vocab.txt')
			}
		],
		cacheBytes: 1024 * 1024,
		maxOutputValues: 64 * 4096
	};
	pool = new InferencePool({ workers: 2, queueLength: 64, jobTimeoutMs: TIMEOUT_MS }, () => {
		const child = spawnModelRunner(setup, { heapMb: 256, memoryMb: 3072 });
		spawned.push(child.pid!);
		return child;
	});
});
afterAll(async () => {
	await pool.close();
	rmSync(dir, { recursive: true, force: true });
	vi.restoreAllMocks();
});

describe('model runners', () => {
	it('fail each bad model on its own request with a clear error, and serve the next', async () => {
		const failure = (head: Artifact) =>
			pool.run(tag(head), { tenant: 'mallory', priority: 'interactive' }).then(
				() => null,
				(error: unknown) => error
			);
		const thrown = await failure(bad.throws);
		expect(thrown).toBeInstanceOf(ModelRunError);
		expect((thrown as Error).message).toMatch(/Reshape|reshape|shape/);

		const looped = await failure(bad.loops);
		expect(looped).toBeInstanceOf(PoolUnavailableError);
		expect(looped).toMatchObject({ reason: 'timeout' });
		expect((looped as PoolUnavailableError).runMs).toBeGreaterThanOrEqual(TIMEOUT_MS);

		const starved = await failure(bad.hungry);
		// Refused its allocation (the runner lives) or ended its runner: either way, only it failed.
		expect(starved).not.toBeNull();
		expect((starved as Error).message).toMatch(/alloc|memory|runner/i);

		console.info(
			[thrown, looped, starved]
				.map(
					(error) =>
						`${(error as Error).constructor.name}: ${(error as Error).message.slice(0, 160)}`
				)
				.join('\n')
		);
		const served = await pool.run(tag(good), { tenant: 'alice', priority: 'interactive' });
		expect(served.dims).toEqual([1, LABELS]);
	});

	it('keeps serving another tenant through 100 bad runs, without leaking runners or memory', async () => {
		// Every tenth run loops: each of those holds a core until its timeout and costs a new
		// runner, and the suite runs beside tests that watch the relay's stalls.
		const kindOf = (i: number) => (i % 10 === 0 ? 'loops' : i % 2 === 0 ? 'throws' : 'hungry');
		const outcomes = { failed: 0, served: 0 };
		const aliceServed: Promise<unknown>[] = [];
		for (let i = 0; i < 100; i++) {
			const kind = kindOf(i);
			const mallory = pool.run(tag(bad[kind]), { tenant: 'mallory', priority: 'bulk' });
			// Alice's work runs beside Mallory's, on the other runner or after it.
			const alice = pool.run(tag(good, ['mine', 'all mine']), {
				tenant: 'alice',
				priority: 'interactive'
			});
			aliceServed.push(alice);
			await mallory.then(
				() => outcomes.served++,
				() => outcomes.failed++
			);
		}
		const answers = (await Promise.all(aliceServed)) as { dims: number[] }[];
		expect(outcomes).toEqual({ failed: 100, served: 0 });
		expect(answers.every((answer) => answer.dims[0] === 2 && answer.dims[1] === LABELS)).toBe(true);

		// Only the pool's own runners are alive; every one it replaced has gone.
		const live = pool.pids();
		expect(live.length).toBeLessThanOrEqual(2);
		expect(spawned.filter((pid) => !live.includes(pid)).filter(isAlive)).toEqual([]);
		for (const pid of live) expect(residentMb(pid)).toBeLessThan(1_024);
		expect(pool.stats()).toMatchObject({ running: 0, queued: 0 });
	}, 180_000);
});

describe('the runners’ model cache', () => {
	it('counts misses, loads, hits and evictions, bounded in bytes', async () => {
		const heads = [1, 2].map((seed) =>
			store(
				buildHeadOnnx({
					dims: DIMS,
					labels: ['a', 'b', 'c'],
					weights: seededValues(DIMS * LABELS, seed * 100),
					bias: new Float32Array(LABELS)
				})
			)
		);
		const oneHead = readFileSync(heads[0].path).length;
		const setup = {
			builtins: [
				{
					id: BUILTIN,
					modelFile: join(MODEL_DIR, 'model.onnx'),
					vocabFile: join(MODEL_DIR, 'vocab.txt')
				}
			],
			// Room for one head, not two.
			cacheBytes: oneHead + 16,
			maxOutputValues: 1024
		};
		const single = new InferencePool({ workers: 1, queueLength: 8, jobTimeoutMs: 5_000 }, () =>
			spawnModelRunner(setup, { heapMb: 256, memoryMb: 3072 })
		);
		try {
			const cacheOf = async (head: Artifact) =>
				(await single.run(tag(head), { tenant: 'u', priority: 'interactive' })).cache;
			expect(await cacheOf(heads[0])).toEqual({ miss: 1, load: 1 });
			expect(await cacheOf(heads[0])).toEqual({ hit: 1 });
			expect(await cacheOf(heads[1])).toEqual({ miss: 1, load: 1, eviction: 1 });
			expect(await cacheOf(heads[0])).toEqual({ miss: 1, load: 1, eviction: 1 });
			// A file that no longer hashes to its name is refused, not run.
			writeFileSync(heads[1].path, new Uint8Array(oneHead));
			await expect(cacheOf(heads[1])).rejects.toThrow(/does not match its sha256/);
		} finally {
			await single.close();
		}
	});
});
