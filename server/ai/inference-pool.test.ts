import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InferencePool, type PoolOptions } from './inference-pool';
import { ModelRunError, PoolUnavailableError } from './run-outcome';

/**
 * A stand-in for the model runner, told what to do by its first text, so every failure the pool
 * must survive happens exactly when the test wants it.
 */
const FAKE_RUNNER = `
process.send({ type: 'ready' });
process.on('message', (job) => {
	const answer = (result) => process.send({ jobId: job.jobId, cache: {}, ...result });
	const done = () => answer({
		type: 'done',
		dims: [job.texts.length, 2],
		values: new Float32Array(job.texts.length * 2).fill(0.5),
		tokens: job.texts.length,
		startedAt: performance.timeOrigin + performance.now(),
		runMs: 0.25
	});
	switch (job.texts[0]) {
		case 'hang': return;
		case 'late': return setTimeout(done, 1_000);
		case 'exit': return process.exit(7);
		case 'throw': throw new Error('boom');
		case 'fail': return answer({ type: 'failed', message: 'no such model' });
		default: return done();
	}
});`;

let pool: InferencePool;
let spawned: number;

function startPool(options: Partial<PoolOptions> = {}): InferencePool {
	pool = new InferencePool({ workers: 1, queueLength: 4, jobTimeoutMs: 5_000, ...options }, () => {
		spawned++;
		return fakeRunner();
	});
	return pool;
}

function fakeRunner() {
	return spawn(process.execPath, ['-e', FAKE_RUNNER], {
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
		serialization: 'advanced'
	});
}

const job = (...texts: string[]) => ({ task: 'embed' as const, embedder: { builtin: 'm' }, texts });

/** One tenant's interactive work: the order is first come, first served. */
const SOLO = { tenant: 'solo', priority: 'interactive' } as const;

const unavailable = (reason: string) =>
	expect.objectContaining({ reason }) as unknown as PoolUnavailableError;

beforeEach(() => {
	spawned = 0;
	// The pool reports worker trouble on stderr; the tests provoke plenty of it.
	vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(async () => {
	await pool.close();
	vi.restoreAllMocks();
});

describe('InferencePool', () => {
	it('starts a worker on first use and keeps it for later jobs', async () => {
		startPool();
		expect(pool.stats()).toEqual({ workers: 0, running: 0, queued: 0 });
		const first = await pool.run(job('a', 'b'), SOLO);
		expect(first).toMatchObject({ dims: [2, 2], tokens: 2, runMs: 0.25 });
		expect(Array.from(first.values)).toEqual([0.5, 0.5, 0.5, 0.5]);
		expect(first.queueMs).toBeGreaterThanOrEqual(0);
		await pool.run(job('c'), SOLO);
		expect(spawned).toBe(1);
		expect(pool.stats()).toEqual({ workers: 1, running: 0, queued: 0 });
	});

	it('refuses a job at once when every worker is busy and the queue is full', async () => {
		startPool({ workers: 1, queueLength: 1, jobTimeoutMs: 200 });
		const running = expect(pool.run(job('hang'), SOLO)).rejects.toEqual(unavailable('timeout'));
		const waiting = expect(pool.run(job('x'), SOLO)).resolves.toMatchObject({ tokens: 1 });
		expect(pool.stats()).toEqual({ workers: 1, running: 1, queued: 1 });
		await expect(pool.run(job('y'), SOLO)).rejects.toThrow(PoolUnavailableError);
		await expect(pool.run(job('y'), SOLO)).rejects.toEqual(unavailable('queue_full'));
		// Once the hung job times out, the waiting one gets a fresh worker.
		await running;
		await waiting;
		expect(spawned).toBe(2);
	});

	it('with no queue, runs a job only when a worker is free', async () => {
		startPool({ workers: 2, queueLength: 0 });
		const resume = pool.pause();
		await expect(pool.run(job('x'), SOLO)).rejects.toEqual(unavailable('queue_full'));
		resume();
		const both = [pool.run(job('late'), SOLO), pool.run(job('late'), SOLO)];
		await expect(pool.run(job('x'), SOLO)).rejects.toEqual(unavailable('queue_full'));
		await Promise.all(both);
		await expect(pool.run(job('x'), SOLO)).resolves.toMatchObject({ tokens: 1 });
		expect(spawned).toBe(2);
	});

	it('shares the workers between tenants, however much one of them queues', async () => {
		startPool({ workers: 1, queueLength: 100 });
		const resume = pool.pause();
		const served: string[] = [];
		const submit = (tenant: string, i: number, priority: 'interactive' | 'bulk' = 'bulk') =>
			pool
				// 1,020 characters: 256 estimated tokens, one turn's worth each.
				.run(job(`${tenant}${i}`.padEnd(1_020, '.')), { tenant, priority })
				.then(() => served.push(`${tenant}${i}`));
		const jobs = [
			...Array.from({ length: 30 }, (_, i) => submit('a', i)),
			...Array.from({ length: 3 }, (_, i) => submit('b', i)),
			submit('c', 0, 'interactive')
		];
		resume();
		await Promise.all(jobs);
		// The query first, then A and B by turns until B has none left.
		expect(served.slice(0, 7)).toEqual(['c0', 'a0', 'b0', 'a1', 'b1', 'a2', 'b2']);
		expect(served).toHaveLength(34);
	});

	it('replaces a worker that overruns a job, and ignores its late answer', async () => {
		startPool({ jobTimeoutMs: 100 });
		await expect(pool.run(job('late'), SOLO)).rejects.toEqual(unavailable('timeout'));
		await expect(pool.run(job('x'), SOLO)).resolves.toMatchObject({ tokens: 1 });
		expect(spawned).toBe(2);
		expect(pool.stats()).toEqual({ workers: 1, running: 0, queued: 0 });
	});

	it.each(['exit', 'throw'])('survives a runner that dies mid-job (%s)', async (how) => {
		startPool();
		await pool.run(job('warm'), SOLO);
		await expect(pool.run(job(how), SOLO)).rejects.toEqual(unavailable('worker_lost'));
		await expect(pool.run(job('x'), SOLO)).resolves.toMatchObject({ tokens: 1 });
		expect(spawned).toBe(2);
	});

	it('replaces workers ended from outside, idle or busy', async () => {
		startPool();
		await pool.run(job('warm'), SOLO);
		await pool.terminateWorkers();
		expect(pool.stats().workers).toBe(0);
		const hung = expect(pool.run(job('hang'), SOLO)).rejects.toEqual(unavailable('worker_lost'));
		await pool.terminateWorkers();
		await hung;
		await expect(pool.run(job('x'), SOLO)).resolves.toMatchObject({ tokens: 1 });
		expect(spawned).toBe(3);
	});

	it('fails queued jobs when no worker can start, and tries again for the next job', async () => {
		let broken = true;
		pool = new InferencePool({ workers: 1, queueLength: 4, jobTimeoutMs: 5_000 }, () => {
			if (broken) throw new Error('no worker file');
			return fakeRunner();
		});
		await expect(pool.run(job('x'), SOLO)).rejects.toThrow('no worker file');
		expect(pool.stats()).toEqual({ workers: 0, running: 0, queued: 0 });
		broken = false;
		await expect(pool.run(job('x'), SOLO)).resolves.toMatchObject({ tokens: 1 });
	});

	it('passes on a failed job without losing the worker', async () => {
		startPool();
		const failed = await pool.run(job('fail'), SOLO).catch((error: unknown) => error);
		expect(failed).toBeInstanceOf(ModelRunError);
		expect(failed).toMatchObject({ message: 'no such model', cache: {} });
		expect((failed as ModelRunError).runMs).toBeGreaterThanOrEqual(0);
		await expect(pool.run(job('x'), SOLO)).resolves.toMatchObject({ tokens: 1 });
		expect(spawned).toBe(1);
	});

	it('holds jobs while paused and runs them in order when resumed', async () => {
		startPool();
		const resume = pool.pause();
		const order: string[] = [];
		const jobs = ['a', 'b', 'c'].map((text) =>
			pool.run(job(text), SOLO).then(() => order.push(text))
		);
		expect(pool.stats()).toEqual({ workers: 0, running: 0, queued: 3 });
		resume();
		await Promise.all(jobs);
		expect(order).toEqual(['a', 'b', 'c']);
	});

	it('on close, fails running and queued jobs and refuses new ones', async () => {
		startPool();
		const running = expect(pool.run(job('hang'), SOLO)).rejects.toEqual(unavailable('closed'));
		const queued = expect(pool.run(job('x'), SOLO)).rejects.toEqual(unavailable('closed'));
		await pool.close();
		await running;
		await queued;
		await expect(pool.run(job('x'), SOLO)).rejects.toEqual(unavailable('closed'));
		expect(pool.stats()).toEqual({ workers: 0, running: 0, queued: 0 });
	});
});
