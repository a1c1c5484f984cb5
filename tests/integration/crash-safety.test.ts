import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocumentsRepository } from '../../server/db/documents.repository';
import * as schema from '../../server/db/schema';
import { addThought, readThought } from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type ThoughtId, type UserId } from '../../sync/ids';
import { connectClient, eventually, register, settled, type Account } from './harness';
import { seededRandom } from '../fixtures/seeded-random';
import { killServerChildren, ServerProcess } from './server-child';

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

const dataDir = mkdtempSync(join(tmpdir(), 't10x-crash-'));
const dbFile = join(dataDir, 'thoughts10x.sqlite');

// Two streams, so the kill schedule for a seed does not depend on how many bursts were written.
const between = (random: () => number) => (min: number, max: number) =>
	min + Math.floor(random() * (max - min + 1));
const killer = between(seededRandom(SEED));
const writes = between(seededRandom(SEED ^ 0x9e3779b9));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sent {
	id: ThoughtId;
	text: string;
	/** Server instances that were up when the update was made and when its ack arrived. */
	sentOn: number;
	ackedOn?: number;
}

/**
 * Opens the file after a kill, before the restart, as a separate reader would, and rebuilds the
 * document the way the next server instance will load it (compacted state + update log).
 */
function inspectFile(name: string) {
	const sqlite = new Database(dbFile, { readonly: true, fileMustExist: true });
	try {
		const stored = new DocumentsRepository(drizzle(sqlite, { schema })).load(name);
		const doc = new Y.Doc();
		if (stored.state) Y.applyUpdate(doc, stored.state);
		for (const update of stored.updates) Y.applyUpdate(doc, update);
		const compacted = sqlite
			.prepare('SELECT updated_at AS at FROM documents WHERE name = ?')
			.get(name) as { at: number } | undefined;
		return {
			quickCheck: sqlite.pragma('quick_check', { simple: true }) as string,
			compactedAt: compacted?.at ?? null,
			logRows: stored.updates.length,
			doc
		};
	} finally {
		sqlite.close();
	}
}

const server = new ServerProcess(dataDir);
afterAll(() => {
	killServerChildren();
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
			await writeBurst(writes(1, 3));
			await sleep(writes(0, 3));
		}
	})().catch((error: unknown) => {
		writerError = error;
	});
	const acked = () => sent.filter((item) => item.ackedOn !== undefined);
	const healthy = () => {
		if (writerError) throw writerError;
		return true;
	};
	// Each kill point is checked on the file itself: the client re-sends what the server lacks on
	// reconnect, so a loss would otherwise heal before any reader saw it.
	const lostAtKills: { round: number; kind: string; lost: (Sent & { index: number })[] }[] = [];
	let killsAfterStore = 0;
	let lastCompactedAt: number | null = null;
	const kill = async (round: number, kind: string, beforeKill = () => {}) => {
		const ackedBefore = acked();
		const killed = server.kill();
		beforeKill();
		await killed;
		kills.push({
			round,
			kind,
			afterMs: Date.now() - started,
			sent: sent.length,
			acked: ackedBefore.length
		});
		const file = inspectFile(name);
		expect(file.quickCheck, `quick_check after kill ${round} (seed ${SEED})`).toBe('ok');
		if (file.compactedAt !== lastCompactedAt) killsAfterStore++;
		lastCompactedAt = file.compactedAt;
		const lost = ackedBefore
			.filter((item) => readThought(file.doc, item.id)?.text !== item.text)
			.map((item) => ({ ...item, index: sent.indexOf(item) }));
		if (lost.length > 0) lostAtKills.push({ round, kind, lost });
		return file;
	};

	for (let round = 1; round <= KILL_ROUNDS; round++) {
		const kind = SCHEDULE[(round - 1) % SCHEDULE.length];
		if (kind === 'handshake') {
			// While the client reconnects and re-sends what the last instance did not ack.
			await sleep(killer(0, 150));
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
			await sleep(killer(1900, 2600));
		} else if (kind === 'writes') {
			await sleep(killer(0, 400));
		}
		await kill(round, kind);
		await sleep(killer(0, 250));
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
	// The client leaves only once the kill is sent: a last client leaving makes Hocuspocus store.
	const final = await kill(0, 'final', () => client.destroy());
	expect(final.logRows, 'rows in the update log at the final kill').toBeGreaterThan(0);
	expect(server.synchronous.every((value) => value === 2)).toBe(true);
	await server.start();

	// End to end: a fresh replica (new Y.Doc, same account) reads everything back through the relay.
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

	const lostTotal = lostAtKills.reduce((sum, kill) => sum + kill.lost.length, 0);
	console.log(
		[
			`crash-safety seed ${SEED}: ${kills.length} SIGKILLs in ${Date.now() - started} ms`,
			`updates sent ${sent.length}, acknowledged ${acked().length}`,
			`acked updates missing from the file at a kill: ${lostTotal} (kills with a loss: ${lostAtKills.length})`,
			`acked updates missing for a fresh client at the end: ${lost.length}`,
			`in flight at a kill (acked after the restart) ${inFlightAtKill.length}`,
			`kills after a fresh store ${killsAfterStore}; log rows at the final kill ${final.logRows}`,
			`missing (acked or not) at the end: ${missingAny.length}`
		].join('\n')
	);

	expect(kills.length).toBeGreaterThanOrEqual(20);
	expect(
		lostAtKills,
		`acknowledged updates missing from the file after a kill (seed ${SEED}, kills ${JSON.stringify(kills)})`
	).toEqual([]);
	expect(lost, `acknowledged updates missing for a fresh client (seed ${SEED})`).toEqual([]);
	expect(
		missingAny,
		`sent updates (acked or not) missing after the final sync (seed ${SEED})`
	).toEqual([]);
	expect(server.stderr, 'server stderr').toBe('');
}, 120_000);
