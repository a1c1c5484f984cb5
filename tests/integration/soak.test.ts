import type { HocuspocusProvider } from '@hocuspocus/provider';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, expect, it } from 'vitest';
import { addThought, hasThought } from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type ThoughtId, type UserId } from '../../sync/ids';
import { seededRandom } from '../fixtures/seeded-random';
import { connectClient, register, settled, type Account, type Client } from './harness';
import { killServerChildren, ServerProcess } from './server-child';

/**
 * Soak (issue 5): 250 users × 4 devices = 1,000 WebSocket clients on loopback, each device one
 * HocuspocusProvider on its user's shard 0, then 60 s of open-loop edits (a seeded random device
 * adds a thought). Every edit must reach the user's 3 other devices, no socket may close, the
 * server must write nothing to stderr and its RSS must level off. Latency is reported, not
 * asserted: this machine is shared. Replay a schedule with SOAK_SEED=<seed>.
 */
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 32));
const USERS = 250;
const DEVICES = 4;
const EDITS_PER_SECOND = 150;
const EDIT_MS = 60_000;
/** Edits still in flight when the schedule ends must arrive (and be acked) within this. */
const DRAIN_MS = 15_000;
const REGISTER_CONCURRENCY = 4;
const CONNECT_CONCURRENCY = 20;
// Hard caps per phase; with the schedule and the drain they stay under the test timeout.
const REGISTER_CAP_MS = 30_000;
const CONNECT_CAP_MS = 40_000;
const TEST_TIMEOUT_MS = 160_000;
const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * "RSS levels off", made checkable while the documents legitimately grow. Every edit adds a
 * thought, and a shard doc holds about 2.9 KiB per thought in memory (measured: Yjs 13.6 on
 * Node 20, heap after a full GC), so a healthy relay still grows ~3 KiB per edit. Raw RSS also
 * swings by tens of MiB with the GC's sawtooth and heap resizing (one run's last third grew
 * 24 MiB, another's 12). So every GC_EVERY_S seconds the server runs a full GC (a signal handler
 * preloaded through NODE_OPTIONS) and RSS is read just after; the least-squares slope of those
 * samples against edits sent, over the last two thirds (the first third is still warming up),
 * may be at most twice the documents' own cost (healthy runs measured 3.5–3.7 KiB per edit).
 * That catches a leak of ≳ 2 KiB per edit (under 1 KiB per delivered update) or ≳ 350 KiB/s
 * (about 0.35 KiB per socket per second); the 1 s raw samples are reported per third.
 */
const DOC_BYTES_PER_THOUGHT = 2.9 * KiB;
const RSS_SLOPE_BUDGET = 2 * DOC_BYTES_PER_THOUGHT;
const GC_EVERY_S = 5;
const GC_SETTLE_MS = 300;
const GC_ON_SIGNAL = `--expose-gc --import=data:text/javascript,process.on('SIGUSR2',()=>globalThis.gc())`;

interface Device {
	client: Client;
	provider: HocuspocusProvider;
}

interface Edit {
	id: ThoughtId;
	sentAt: number;
	/** Devices of the same user that have not seen the edit yet. */
	awaiting: Set<number>;
}

interface User {
	account: Account;
	devices: Device[];
	inFlight: Edit[];
}

interface Sample {
	at: number;
	edits: number;
	bytes: number;
}

const dataDir = mkdtempSync(join(tmpdir(), 't10x-soak-'));
const server = new ServerProcess(dataDir, {
	// Every client comes from 127.0.0.1; the default cap (64 per address) is for the internet.
	MAX_SOCKETS_PER_ADDRESS: String(USERS * DEVICES * 2),
	AUTH_ATTEMPTS_PER_MINUTE: '1000000',
	NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${GC_ON_SIGNAL}`.trim()
});
const users: User[] = [];
let isTearingDown = false;

afterAll(async () => {
	isTearingDown = true;
	for (const user of users) for (const device of user?.devices ?? []) device.client.destroy();
	await server.kill();
	killServerChildren();
	rmSync(dataDir, { recursive: true, force: true });
});

it(
	`keeps ${USERS * DEVICES} clients in sync for ${EDIT_MS / 1000} s without leaking (seed ${SEED})`,
	async () => {
		const phases: string[] = [];
		let phaseStart = performance.now();
		const phase = (name: string) => {
			phases.push(`${name} ${((performance.now() - phaseStart) / 1000).toFixed(1)}`);
			phaseStart = performance.now();
		};
		const errors: string[] = [];
		const latencies: number[] = [];
		let delivered = 0;

		await server.start();
		phase('start');
		await withTimeout(
			pool(USERS, REGISTER_CONCURRENCY, async (i) => {
				users[i] = { account: await register(server.base), devices: [], inFlight: [] };
			}),
			REGISTER_CAP_MS,
			'registering users'
		);
		phase('register');

		// Counts each edit once per device that receives it; the sender is not awaited.
		const onUpdate = (user: User, index: number, device: Device) => () => {
			if (user.inFlight.length === 0) return;
			const at = performance.now();
			for (const edit of user.inFlight) {
				if (!edit.awaiting.has(index) || !hasThought(device.provider.document, edit.id)) continue;
				edit.awaiting.delete(index);
				latencies.push(at - edit.sentAt);
				delivered++;
			}
			user.inFlight = user.inFlight.filter((edit) => edit.awaiting.size > 0);
		};
		const connect = (user: User, index: number): Device => {
			// A phase that timed out runs on in the background: it must not open sockets after it.
			if (isTearingDown) throw new Error('tearing down');
			const client = connectClient(server, user.account);
			const provider = client.open(shardDocName(user.account.userId as UserId, 0));
			const device = { client, provider };
			const report = (what: string) => (payload?: { event?: CloseEvent }) => {
				if (isTearingDown) return;
				errors.push(`${what} on device ${users.indexOf(user)}/${index}: ${closeReason(payload)}`);
			};
			// 'disconnect' follows every close, and also the provider's own timeout (4408).
			client.socket.on('disconnect', report('disconnect'));
			provider.on('authenticationFailed', report('authenticationFailed'));
			provider.document.on('update', onUpdate(user, index, device));
			user.devices.push(device);
			return device;
		};
		await withTimeout(
			pool(USERS, CONNECT_CONCURRENCY, async (i) => {
				const devices = Array.from({ length: DEVICES }, (_, d) => connect(users[i], d));
				await Promise.all(devices.map((device) => settled(device.provider, CONNECT_CAP_MS)));
			}),
			CONNECT_CAP_MS,
			'connecting clients'
		);
		const connected = users.reduce((n, user) => n + user.devices.length, 0);
		phase('connect');

		// Open loop: edit k is due at start + k / rate, whether or not earlier edits arrived.
		const random = seededRandom(SEED);
		const total = Math.round((EDIT_MS / 1000) * EDITS_PER_SECOND);
		const lags: number[] = [];
		const rss: Sample[] = [];
		const afterGc: Sample[] = [];
		let sent = 0;
		const start = performance.now();
		const sample = (into: Sample[]) => {
			try {
				into.push({ at: performance.now() - start, edits: sent, bytes: rssOf(server.pid) });
			} catch (error) {
				errors.push(`reading server RSS: ${(error as Error).message}`);
			}
		};
		const sampleAfterGc = async () => {
			try {
				process.kill(server.pid!, 'SIGUSR2');
			} catch (error) {
				errors.push(`signalling the server: ${(error as Error).message}`);
			}
			await sleep(GC_SETTLE_MS);
			sample(afterGc);
		};
		let second = 0;
		const sampler = setInterval(() => {
			sample(rss);
			if (++second % GC_EVERY_S === 0) void sampleAfterGc();
		}, 1000);
		sample(rss);
		try {
			await new Promise<void>((done) => {
				const tick = () => {
					const elapsed = performance.now() - start;
					const due = Math.min(total, Math.floor((elapsed * EDITS_PER_SECOND) / 1000) + 1);
					for (; sent < due; sent++) {
						const user = users[Math.floor(random() * USERS)];
						const from = Math.floor(random() * DEVICES);
						const sentAt = performance.now();
						lags.push(sentAt - (start + (sent * 1000) / EDITS_PER_SECOND));
						const id = newThoughtId();
						const others = [...user.devices.keys()].filter((d) => d !== from);
						user.inFlight.push({ id, sentAt, awaiting: new Set(others) });
						addThought(user.devices[from].provider.document, id, {
							text: `soak edit ${sent}`,
							createdAt: Date.now(),
							visibility: 'private',
							pinned: false
						});
					}
					if (sent >= total || errors.length > 0) done();
					else setTimeout(tick, 5);
				};
				tick();
			});
		} finally {
			clearInterval(sampler);
		}
		await sampleAfterGc();
		phase('edits');

		const expected = sent * (DEVICES - 1);
		const devices = users.flatMap((user) => user.devices);
		const unackedDevices = () => devices.filter((d) => d.provider.hasUnsyncedChanges);
		const drainUntil = performance.now() + DRAIN_MS;
		while (
			(delivered < expected || unackedDevices().length > 0) &&
			performance.now() < drainUntil
		) {
			await sleep(50);
		}
		const unacked = unackedDevices().length;
		phase('drain');

		const thirdOf = (s: Sample) => Math.min(2, Math.floor((s.at * 3) / EDIT_MS));
		const thirds = [0, 1, 2].map((k) => rss.filter((s) => thirdOf(s) === k));
		const slope = slopeOf(afterGc.filter((s) => thirdOf(s) >= 1));
		latencies.sort((a, b) => a - b);
		lags.sort((a, b) => a - b);
		const mib = (bytes: number) => (bytes / MiB).toFixed(1);
		const rows: [string, string][] = [
			['clients connected', `${connected} (${USERS} users × ${DEVICES} devices)`],
			['edits sent', `${sent} in ${EDIT_MS / 1000} s (${EDITS_PER_SECOND}/s open loop)`],
			['deliveries expected / delivered', `${expected} / ${delivered}`],
			['missing after drain', String(expected - delivered)],
			['providers with unacked edits', String(unacked)],
			['errors (disconnects, auth failures)', String(errors.length)],
			['server stderr bytes', String(server.stderr.length)],
			[
				'delivery latency p50 / p99 / max ms',
				[0.5, 0.99, 1].map((q) => quantile(latencies, q).toFixed(1)).join(' / ')
			],
			['schedule lag p99 ms (test process)', quantile(lags, 0.99).toFixed(1)],
			...thirds.map((samples, k): [string, string] => [
				`RSS MiB third ${k + 1} start / peak / end (1 s samples)`,
				samples.length === 0
					? '–'
					: [samples[0].bytes, Math.max(...samples.map((s) => s.bytes)), samples.at(-1)!.bytes]
							.map(mib)
							.join(' / ')
			]),
			['RSS MiB after each forced GC', afterGc.map((s) => mib(s.bytes)).join(', ')],
			[
				'RSS growth after GC, thirds 2–3 (budget)',
				`${(slope / KiB).toFixed(2)} KiB/edit (≤ ${(RSS_SLOPE_BUDGET / KiB).toFixed(1)})`
			],
			['phases s', phases.join(', ')]
		];
		console.log(
			[`soak (seed ${SEED})`, '| metric | value |', '| --- | --- |']
				.concat(rows.map(([metric, value]) => `| ${metric} | ${value} |`))
				.join('\n')
		);

		expect(errors.slice(0, 10), `disconnects or auth failures (seed ${SEED})`).toEqual([]);
		expect(connected).toBe(USERS * DEVICES);
		expect(sent).toBe(total);
		expect(expected - delivered, `deliveries missing after ${DRAIN_MS} ms`).toBe(0);
		expect(unacked, 'providers still holding unacknowledged edits').toBe(0);
		expect(server.stderr, 'server stderr').toBe('');
		expect(afterGc.filter((s) => thirdOf(s) >= 1).length).toBeGreaterThanOrEqual(6);
		expect(slope, 'server RSS growth per edit after GC (bytes)').toBeLessThanOrEqual(
			RSS_SLOPE_BUDGET
		);
	},
	TEST_TIMEOUT_MS
);

type CloseEvent = { code?: number; reason?: string };

function closeReason(payload?: { event?: CloseEvent }): string {
	const event = payload?.event;
	return event ? `code ${event.code ?? '?'} ${event.reason ?? ''}`.trim() : 'no details';
}

/** Resident set of a process from /proc (Linux; CI runs on Linux). */
function rssOf(pid: number | undefined): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) * KiB;
}

/** Least-squares slope of RSS against edits sent: bytes per edit. */
function slopeOf(samples: Sample[]): number {
	const n = samples.length;
	if (n < 2) return NaN;
	const meanX = samples.reduce((sum, s) => sum + s.edits, 0) / n;
	const meanY = samples.reduce((sum, s) => sum + s.bytes, 0) / n;
	let covariance = 0;
	let variance = 0;
	for (const s of samples) {
		covariance += (s.edits - meanX) * (s.bytes - meanY);
		variance += (s.edits - meanX) ** 2;
	}
	return covariance / variance;
}

function quantile(sorted: number[], q: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>) {
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(concurrency, count) }, async () => {
			while (next < count) await task(next++);
		})
	);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([
		promise.finally(() => clearTimeout(timer)),
		new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
		})
	]);
}
