import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { HocuspocusProvider } from '@hocuspocus/provider';
import { addThought, listThoughts, readThought, setThoughtText } from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type ThoughtId, type UserId } from '../../sync/ids';
import { seededRandom } from '../fixtures/seeded-random';
import { connectClient, eventually, register, settled, type Account, type Client } from './harness';
import { killServerChildren, ServerProcess } from './server-child';

/**
 * Chaos: 8 devices of 3 users edit at random while the relay is SIGKILLed and restarted at random
 * points and devices drop (socket torn down, auto-reconnect) or go offline for a while. At the
 * end every device of a user holds the same thoughts, and every update the relay acknowledged
 * is there after one more SIGKILL, read back by a fresh device.
 *
 * Edits add thoughts or append a unique token to an existing thought's text: appends merge
 * (none is ever deleted), so "this acked edit survived" is a plain substring check.
 * Replay a schedule with CHAOS_SEED=<seed> (timing still varies from run to run).
 */
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 32));
const OPERATIONS = 700;
const DEVICES_PER_USER = [3, 3, 2];
const SHARDS_PER_USER = 2;
const SETTLE_CAP_MS = 20_000;

const dataDir = mkdtempSync(join(tmpdir(), 't10x-chaos-'));
const server = new ServerProcess(dataDir);
const random = seededRandom(SEED);
const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(() => {
	killServerChildren();
	rmSync(dataDir, { recursive: true, force: true });
});

interface Edit {
	user: number;
	shard: number;
	thought: ThoughtId;
	/** The text added: a whole new thought, or a token appended to one. */
	token: string;
	ackedOn?: number;
}

interface Device {
	name: string;
	user: number;
	client: Client;
	providers: HocuspocusProvider[];
	/** Edits made on this device, per shard, that no ack has covered yet. */
	unacked: Edit[][];
	offline: boolean;
}

const connected = (device: Device) => device.client.socket.status === 'connected';

/**
 * Acked = made before an instant when the device was connected and the provider synced with no
 * unsynced changes: the provider counts every local update synchronously, so the check is sound.
 */
function markAcked(devices: Device[]) {
	for (const device of devices) {
		if (!connected(device)) continue;
		device.providers.forEach((provider, shard) => {
			if (!provider.isSynced || provider.hasUnsyncedChanges) return;
			for (const edit of device.unacked[shard]) edit.ackedOn = server.instance;
			device.unacked[shard] = [];
		});
	}
}

it(`converges and loses no acknowledged update under relay kills and device drops (seed ${SEED})`, async () => {
	const started = Date.now();
	await server.start();
	const accounts: Account[] = [];
	while (accounts.length < DEVICES_PER_USER.length) accounts.push(await register(server.base));
	const docName = (user: number, shard: number) =>
		shardDocName(accounts[user].userId as UserId, shard);

	const devices: Device[] = DEVICES_PER_USER.flatMap((count, user) =>
		Array.from({ length: count }, (_, index) => {
			const client = connectClient(server, accounts[user]);
			const providers = Array.from({ length: SHARDS_PER_USER }, (_, shard) =>
				client.open(docName(user, shard))
			);
			return {
				name: `user ${user} device ${index}`,
				user,
				client,
				providers,
				unacked: providers.map(() => []),
				offline: false
			};
		})
	);
	await Promise.all(devices.flatMap((device) => device.providers.map((p) => settled(p))));

	const edits: Edit[] = [];
	const counts = { adds: 0, appends: 0, kills: 0, drops: 0, offline: 0, online: 0 };
	const ackTimer = setInterval(() => markAcked(devices), 5);
	let ackedBeforeHeal = 0;

	const edit = (device: Device) => {
		const shard = between(0, SHARDS_PER_USER - 1);
		const doc = device.providers[shard].document;
		const existing = listThoughts(doc);
		const token = `[${edits.length}]`;
		let thought: ThoughtId;
		if (existing.length > 0 && random() < 0.3) {
			thought = pick(existing).id;
			setThoughtText(doc, thought, `${readThought(doc, thought)!.text} ${token}`);
			counts.appends++;
		} else {
			thought = newThoughtId();
			addThought(doc, thought, {
				text: `${device.name} ${token}`,
				createdAt: Date.now(),
				visibility: 'private',
				pinned: false
			});
			counts.adds++;
		}
		const record: Edit = { user: device.user, shard, thought, token };
		edits.push(record);
		device.unacked[shard].push(record);
	};

	try {
		for (let op = 0; op < OPERATIONS; op++) {
			const roll = random();
			const device = pick(devices);
			if (roll < 0.8) {
				edit(device);
			} else if (roll < 0.86) {
				// A dropped connection: the socket dies, the provider reconnects by itself.
				if (connected(device)) {
					device.client.socket.webSocket?.close();
					counts.drops++;
				}
			} else if (roll < 0.92) {
				if (!device.offline) {
					device.client.socket.disconnect();
					device.offline = true;
					counts.offline++;
				}
			} else if (roll < 0.97) {
				const away = devices.filter((d) => d.offline);
				if (away.length > 0) {
					const back = pick(away);
					back.offline = false;
					void back.client.socket.connect();
					counts.online++;
				}
			} else {
				await server.kill();
				counts.kills++;
				await sleep(between(50, 450));
				await server.start();
			}
			await sleep(between(2, 25));
		}

		markAcked(devices);
		ackedBeforeHeal = edits.filter((item) => item.ackedOn !== undefined).length;
		// Heal: every device online, every provider acknowledged, then compare.
		for (const device of devices.filter((d) => d.offline)) {
			device.offline = false;
			void device.client.socket.connect();
		}
		await Promise.all(
			devices.flatMap((device) => device.providers.map((p) => settled(p, SETTLE_CAP_MS)))
		);
		markAcked(devices);
		const snapshot = (device: Device) =>
			device.providers.map((provider) =>
				listThoughts(provider.document)
					.map((thought) => `${thought.id}=${thought.text}`)
					.sort()
			);
		const sameAsFirstOfUser = (device: Device) =>
			JSON.stringify(snapshot(device)) ===
			JSON.stringify(snapshot(devices.find((d) => d.user === device.user)!));
		await eventually(() => devices.every(sameAsFirstOfUser), SETTLE_CAP_MS).catch(() => {
			const held = devices.map((device) => `${device.name}: ${snapshot(device).flat().length}`);
			throw new Error(`devices did not converge (seed ${SEED}); thoughts held: ${held.join(', ')}`);
		});
	} finally {
		clearInterval(ackTimer);
		for (const device of devices) device.client.destroy();
	}

	// Kill at once (no store after the last client leaves), restart, and read back with fresh devices.
	await server.kill();
	counts.kills++;
	await server.start();
	const missing: Edit[] = [];
	for (const [user, account] of accounts.entries()) {
		const reader = connectClient(server, account);
		try {
			const providers = Array.from({ length: SHARDS_PER_USER }, (_, shard) =>
				reader.open(docName(user, shard))
			);
			await Promise.all(providers.map((p) => settled(p, SETTLE_CAP_MS)));
			for (const item of edits.filter((e) => e.user === user)) {
				const text = readThought(providers[item.shard].document, item.thought)?.text ?? '';
				if (!text.includes(item.token)) missing.push(item);
			}
		} finally {
			reader.destroy();
		}
	}
	await server.kill();

	const lostAcked = missing.filter((item) => item.ackedOn !== undefined);
	console.log(
		[
			`chaos seed ${SEED}: ${OPERATIONS} operations in ${Date.now() - started} ms, ${devices.length} devices of ${accounts.length} users`,
			`edits ${edits.length} (new thoughts ${counts.adds}, appends ${counts.appends}), acknowledged before the heal ${ackedBeforeHeal}`,
			`relay SIGKILLs ${counts.kills}, dropped connections ${counts.drops}, offline spells ${counts.offline}`,
			`lost acknowledged edits: ${lostAcked.length}; missing edits of any kind: ${missing.length}`
		].join('\n')
	);

	expect(counts.kills, 'relay kills').toBeGreaterThanOrEqual(10);
	expect(lostAcked, `acknowledged edits lost (seed ${SEED})`).toEqual([]);
	expect(missing, `edits missing after the heal (seed ${SEED})`).toEqual([]);
	expect(server.stderr, 'server stderr').toBe('');
}, 180_000);
