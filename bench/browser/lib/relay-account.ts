import { HocuspocusProviderWebsocket, type HocuspocusProvider } from '@hocuspocus/provider';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { addShard, migrateRoot, shardNumbers } from '../../../sync/doc/root-doc';
import {
	SHARD_CAPACITY,
	addThought,
	migrateShard,
	thoughtCount
} from '../../../sync/doc/shard-doc';
import { rootDocName, shardDocName } from '../../../sync/doc-names';
import type { ExportedThought } from '../../../sync/export-format';
import type { UserId } from '../../../sync/ids';
import { SYNC_PATH } from '../../../sync/protocol/close-codes';
import { AckedProvider } from '../../../src/lib/replica/acked-provider';

/**
 * An account on the real relay, from Node: API sign-in, seeding its shard docs as the app's import
 * would lay them out, and the new-device baseline (a bare HocuspocusProvider, no browser).
 */

export interface Session {
	userId: UserId;
	username: string;
	/** The value of the HttpOnly session cookie. */
	token: string;
}

export const SESSION_COOKIE = 't10x_session';
const SEED_CONCURRENCY = 8;
const SYNC_TIMEOUT_MS = 120_000;

export async function signIn(
	base: string,
	action: 'register' | 'login',
	username: string,
	password: string
): Promise<Session> {
	const res = await fetch(`${base}/api/auth/${action}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ username, password, deviceName: `bench ${action}` })
	});
	if (!res.ok) throw new Error(`${action} failed: ${res.status} ${await res.text()}`);
	const { session } = (await res.json()) as { session: { userId: UserId } };
	const pair = (res.headers.get('set-cookie') ?? '').split(';')[0];
	const token = pair.slice(pair.indexOf('=') + 1);
	if (!pair.startsWith(`${SESSION_COOKIE}=`) || !token) throw new Error(`${action}: no cookie`);
	return { userId: session.userId, username, token };
}

async function relayToken(base: string, session: Session): Promise<string> {
	const res = await fetch(`${base}/api/auth/relay-token`, {
		method: 'POST',
		headers: { Cookie: `${SESSION_COOKIE}=${session.token}` }
	});
	if (!res.ok) throw new Error(`relay token: ${res.status}`);
	return ((await res.json()) as { token: string }).token;
}

/** One Node "device": one socket with the session cookie, any number of docs on it. */
async function connect(base: string, session: Session) {
	const cookie = `${SESSION_COOKIE}=${session.token}`;
	class CookieSocket extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, { headers: { Cookie: cookie } });
			// A refused or dropped socket also closes, which the provider handles; unheard, the
			// 'error' event would crash the process instead.
			this.on('error', (error) => console.error('relay socket:', error.message));
		}
	}
	const token = await relayToken(base, session);
	const socket = new HocuspocusProviderWebsocket({
		url: `${base.replace(/^http/, 'ws')}${SYNC_PATH}`,
		WebSocketPolyfill: CookieSocket
	});
	const providers: HocuspocusProvider[] = [];
	return {
		open(name: string): HocuspocusProvider {
			const provider = new AckedProvider({
				websocketProvider: socket,
				name,
				document: new Y.Doc(),
				token
			});
			provider.attach();
			providers.push(provider);
			return provider;
		},
		close(): void {
			for (const provider of providers) provider.destroy();
			socket.destroy();
		}
	};
}

/** Resolves once the provider has synced and the relay has acknowledged every local change. */
function settled(provider: HocuspocusProvider): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`${provider.configuration.name} did not sync in time`)),
			SYNC_TIMEOUT_MS
		);
		const check = () => {
			if (!provider.isSynced || provider.hasUnsyncedChanges) return;
			clearTimeout(timer);
			provider.off('synced', check);
			provider.off('unsyncedChanges', check);
			resolve();
		};
		provider.on('synced', check);
		provider.on('unsyncedChanges', check);
		check();
	});
}

async function inPool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>) {
	const queue = [...items];
	const worker = async () => {
		for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
	};
	await Promise.all(Array.from({ length: size }, worker));
}

/**
 * Writes the thoughts to the account's docs on the relay as Replica#importThoughts lays them out
 * (oldest first, SHARD_CAPACITY per shard, every shard listed in the root doc), and waits until
 * the relay has acknowledged all of it. Returns the number of shards.
 */
export async function seedRelay(
	base: string,
	session: Session,
	thoughts: readonly ExportedThought[]
): Promise<number> {
	const oldestFirst = [...thoughts].sort(
		(a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)
	);
	const shards = Math.ceil(oldestFirst.length / SHARD_CAPACITY);
	const device = await connect(base, session);
	try {
		const root = device.open(rootDocName(session.userId));
		await settled(root);
		root.document.transact(() => {
			migrateRoot(root.document);
			for (let n = 0; n < shards; n++) addShard(root.document, n);
		});
		await settled(root);
		await inPool(
			Array.from({ length: shards }, (_, n) => n),
			SEED_CONCURRENCY,
			async (n) => {
				const provider = device.open(shardDocName(session.userId, n));
				await settled(provider);
				const doc = provider.document;
				doc.transact(() => {
					migrateShard(doc);
					const chunk = oldestFirst.slice(n * SHARD_CAPACITY, (n + 1) * SHARD_CAPACITY);
					for (const t of chunk)
						addThought(doc, t.id, { ...t, createdAt: Date.parse(t.createdAt) });
				});
				await settled(provider);
			}
		);
	} finally {
		device.close();
	}
	return shards;
}

/**
 * The new-device floor: a bare HocuspocusProvider client (no browser, no IndexedDB, no view)
 * reads the root doc for the shard list, then syncs every shard at once over one socket. Timed from before the relay token is fetched until the last shard has synced.
 */
export async function syncInNode(
	base: string,
	session: Session
): Promise<{ ms: number; thoughts: number }> {
	const started = performance.now();
	const device = await connect(base, session);
	try {
		const root = device.open(rootDocName(session.userId));
		await settled(root);
		const shards = shardNumbers(root.document).map((n) =>
			device.open(shardDocName(session.userId, n))
		);
		await Promise.all(shards.map(settled));
		const ms = performance.now() - started;
		return { ms, thoughts: shards.reduce((sum, p) => sum + thoughtCount(p.document), 0) };
	} finally {
		device.close();
	}
}
