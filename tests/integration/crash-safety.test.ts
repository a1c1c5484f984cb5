import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { addThought, readThought } from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type ThoughtId, type UserId } from '../../sync/ids';
import { connectClient, eventually, register, settled, type Account } from './harness';

/**
 * Crash safety of the relay's durability contract: an update the relay acknowledged survives
 * SIGKILL. One client writes thoughts while the server process is killed at seeded random
 * points and restarted on the same data dir and port; a fresh client then reads everything back.
 * Replay a schedule with CRASH_SEED=<seed> (timing still varies from run to run).
 */
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 32));
const KILL_ROUNDS = 24;
/** Round kinds, cycling: kill amid writes, during the reconnect handshake, or around a store. */
const SCHEDULE = ['writes', 'store', 'writes', 'handshake', 'writes', 'writes'] as const;
const ROUND_CAP_MS = 15_000;
const ACK_CAP_MS = 15_000;

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const entry = fileURLToPath(new URL('./server-process.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 't10x-crash-'));
const dbFile = join(dataDir, 'thoughts10x.sqlite');

/** mulberry32: small, seedable, good enough to pick delays. */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}
const random = prng(SEED);
const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const children = new Set<ChildProcess>();
const killChildren = () => {
	for (const child of children) child.kill('SIGKILL');
};
// A crashed test must not leave relays behind (seen with ws 'error' crashes while planning).
process.on('exit', killChildren);

/** The server child: same data dir and, after the first start, the same port every time. */
class ServerProcess {
	port = 0;
	instance = 0;
	stderr = '';
	synchronous: number[] = [];
	#child?: ChildProcess;

	get base() {
		return `http://127.0.0.1:${this.port}`;
	}
	get wsUrl() {
		return `ws://127.0.0.1:${this.port}/sync`;
	}

	async start(): Promise<void> {
		// The port was free a moment ago; retry briefly in case the old socket lingers.
		for (let attempt = 1; ; attempt++) {
			try {
				return await this.#spawn();
			} catch (error) {
				if (attempt >= 5) throw error;
				await sleep(100 * attempt);
			}
		}
	}

	#spawn(): Promise<void> {
		const child = spawn(process.execPath, ['--import', 'tsx', entry], {
			cwd: repoRoot,
			env: { ...process.env, PORT: String(this.port), DATA_DIR: dataDir },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: false
		});
		children.add(child);
		child.on('exit', () => children.delete(child));
		child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk));
		return new Promise((resolve, reject) => {
			let out = '';
			const timer = setTimeout(() => reject(new Error('server did not start in 10 s')), 10_000);
			child.stdout!.on('data', (chunk: Buffer) => {
				out += chunk;
				const ready = /^READY (\d+) (\d+)$/m.exec(out);
				if (!ready) return;
				clearTimeout(timer);
				this.port = Number(ready[1]);
				this.synchronous.push(Number(ready[2]));
				this.instance++;
				this.#child = child;
				resolve();
			});
			child.on('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`server exited with ${code} before READY: ${this.stderr.slice(-500)}`));
			});
		});
	}

	/** Sends SIGKILL at once; resolves when the process is gone. */
	kill(): Promise<void> {
		const child = this.#child!;
		this.#child = undefined;
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		child.kill('SIGKILL');
		return exited;
	}
}

interface Sent {
	id: ThoughtId;
	text: string;
	/** Server instances that were up when the update was made and when its ack arrived. */
	sentOn: number;
	ackedOn?: number;
}

/** Opens the file after a kill, before the restart, as a separate reader would. */
function inspectFile(name: string) {
	const db = new Database(dbFile, { readonly: true, fileMustExist: true });
	try {
		return {
			quickCheck: db.pragma('quick_check', { simple: true }) as string,
			compactedAt:
				(
					db.prepare('SELECT updated_at AS at FROM documents WHERE name = ?').get(name) as
						{ at: number } | undefined
				)?.at ?? null,
			logRows: (
				db.prepare('SELECT count(*) AS n FROM document_updates WHERE name = ?').get(name) as {
					n: number;
				}
			).n
		};
	} finally {
		db.close();
	}
}

const server = new ServerProcess();
afterAll(() => {
	killChildren();
	rmSync(dataDir, { recursive: true, force: true });
});

it(`keeps every acknowledged update across SIGKILL restarts (seed ${SEED})`, async () => {
	const started = Date.now();
	await server.start();
	const account: Account = await register(server.base);
	const name = shardDocName(account.userId as UserId, 0);

	const client = connectClient(server, account);
	const provider = client.open(name);
	await settled(provider);

	const sent: Sent[] = [];
	const kills: { round: number; kind: string; afterMs: number; sent: number; acked: number }[] = [];
	let stop = false;
	let pause = false;
	let idle = false;
	let writerError: unknown;

	// Acked = made before an instant where the provider was synced with no unsynced changes.
	const writeBurst = async (count: number) => {
		const burst: Sent[] = [];
		for (let i = 0; i < count; i++) {
			const item: Sent = {
				id: newThoughtId(),
				text: `update ${sent.length}`,
				sentOn: server.instance
			};
			addThought(provider.document, item.id, {
				text: item.text,
				createdAt: Date.now(),
				visibility: 'private',
				pinned: false
			});
			sent.push(item);
			burst.push(item);
		}
		await settled(provider, ACK_CAP_MS);
		for (const item of burst) item.ackedOn = server.instance;
	};
	// Bursts of 1–3 updates, so a kill can also fall between the appends of one burst.
	const writer = (async () => {
		while (!stop) {
			idle = pause;
			if (pause) {
				await sleep(5);
				continue;
			}
			await writeBurst(between(1, 3));
			await sleep(between(0, 3));
		}
	})().catch((error: unknown) => {
		writerError = error;
	});
	const acked = () => sent.filter((item) => item.ackedOn !== undefined);
	const healthy = () => {
		if (writerError) throw writerError;
		return true;
	};
	const kill = async (round: number, kind: string) => {
		await server.kill();
		kills.push({
			round,
			kind,
			afterMs: Date.now() - started,
			sent: sent.length,
			acked: acked().length
		});
	};

	let killsAfterStore = 0;
	let lastCompactedAt: number | null = null;
	for (let round = 1; round <= KILL_ROUNDS; round++) {
		const kind = SCHEDULE[(round - 1) % SCHEDULE.length];
		if (kind === 'handshake') {
			// While the client reconnects and re-sends what the last instance did not ack.
			await sleep(between(0, 150));
		} else {
			// Land amid traffic on this instance: wait for a fresh ack first.
			const ackedBefore = acked().length;
			await eventually(
				() => healthy() && acked().length > ackedBefore,
				ROUND_CAP_MS,
				`an ack in round ${round} (seed ${SEED})`
			);
		}
		if (kind === 'store') {
			// Idle around the 2 s debounce so some kills land just before, some just after a store.
			pause = true;
			await eventually(() => healthy() && idle, ROUND_CAP_MS, `writer idle (seed ${SEED})`);
			await sleep(between(1900, 2600));
		} else if (kind === 'writes') {
			await sleep(between(0, 400));
		}
		await kill(round, kind);
		const file = inspectFile(name);
		expect(file.quickCheck, `quick_check after kill ${round} (seed ${SEED})`).toBe('ok');
		if (file.compactedAt !== lastCompactedAt) killsAfterStore++;
		lastCompactedAt = file.compactedAt;
		await sleep(between(0, 250));
		await server.start();
		pause = false;
	}

	// Drain: the original client gets everything acknowledged, including updates in flight at kills.
	stop = true;
	await writer;
	healthy();
	await settled(provider, ACK_CAP_MS);
	// One more ack from this instance, then kill well before the 2 s store: only the log holds it.
	await writeBurst(1);
	// Kill before the client leaves: a last client leaving makes Hocuspocus store at once.
	const killed = kill(0, 'final');
	client.destroy();
	await killed;
	const final = inspectFile(name);
	expect(final.quickCheck).toBe('ok');
	expect(final.logRows, 'rows in the update log at the final kill').toBeGreaterThan(0);
	expect(server.synchronous.every((value) => value === 2)).toBe(true);
	await server.start();

	const fresh = connectClient(server, account);
	const reader = fresh.open(name);
	await settled(reader, ACK_CAP_MS);
	const present = (item: Sent) => readThought(reader.document, item.id)?.text === item.text;
	const lost = sent.filter((item) => item.ackedOn !== undefined && !present(item));
	// Updates in flight at a kill were only acked by a later instance, after the client re-sent them.
	const inFlightAtKill = sent.filter((item) => item.ackedOn !== item.sentOn);
	const missingAny = sent.filter((item) => !present(item));
	fresh.destroy();
	await server.kill();

	console.log(
		[
			`crash-safety seed ${SEED}: ${kills.length} SIGKILLs in ${Date.now() - started} ms`,
			`updates sent ${sent.length}, acknowledged ${acked().length}, lost ${lost.length}`,
			`in flight at a kill (acked after the restart) ${inFlightAtKill.length}`,
			`kills after a fresh store ${killsAfterStore}; log rows at the final kill ${final.logRows}`,
			`missing (acked or not) ${missingAny.length}`
		].join('\n')
	);

	expect(kills.length).toBeGreaterThanOrEqual(20);
	expect(
		lost.map((item) => ({ ...item, index: sent.indexOf(item) })),
		`acknowledged updates lost (seed ${SEED}, kills ${JSON.stringify(kills)})`
	).toEqual([]);
	expect(
		missingAny,
		`sent updates (acked or not) missing after the final sync (seed ${SEED})`
	).toEqual([]);
	expect(server.stderr, 'server stderr').toBe('');
}, 120_000);
