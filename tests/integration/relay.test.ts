import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { addThought, listThoughts, readThought, setThoughtText } from '../../sync/doc/shard-doc';
import { rootDocName, shardDocName } from '../../sync/doc-names';
import { newThoughtId, type UserId } from '../../sync/ids';
import { DEFAULT_RELAY_LIMITS } from '../../server/relay/upgrade';
import {
	connectClient,
	cookieSocket,
	eventually,
	register,
	relayToken,
	settled,
	startTestServer,
	type Account,
	type TestServer
} from './harness';
import { authMessage, parseFrame, syncMessage } from './frames';

let t: TestServer;
let alice: Account;
beforeAll(async () => {
	t = await startTestServer({ relay: { ...DEFAULT_RELAY_LIMITS, authTimeoutMs: 500 } });
	alice = await register(t.base);
});
afterAll(() => t.stop());

const fields = { createdAt: 1, visibility: 'private', pinned: false } as const;

describe('sync between devices of one user', () => {
	it('converges concurrent edits on one shard and across shards', async () => {
		const phone = connectClient(t, alice);
		const laptop = connectClient(t, { ...alice });
		const name = shardDocName(alice.userId as UserId, 0);
		const a = phone.open(name);
		const b = laptop.open(name);
		await Promise.all([settled(a), settled(b)]);

		const shared = newThoughtId();
		addThought(a.document, shared, { ...fields, text: 'hello world' });
		await eventually(() => readThought(b.document, shared) !== null, 5000, 'laptop sees thought');
		// Both edit the same thought at once.
		setThoughtText(a.document, shared, 'hello brave world');
		setThoughtText(b.document, shared, 'hello world!');
		addThought(b.document, newThoughtId(), { ...fields, text: 'from laptop' });
		await Promise.all([settled(a), settled(b)]);
		await eventually(
			() => JSON.stringify(listThoughts(a.document)) === JSON.stringify(listThoughts(b.document)),
			5000,
			'convergence'
		);
		expect(readThought(a.document, shared)?.text).toBe('hello brave world!');
		expect(listThoughts(a.document)).toHaveLength(2);

		const root = phone.open(rootDocName(alice.userId as UserId));
		await settled(root);
		phone.destroy();
		laptop.destroy();
	});

	it('appends each acknowledged update to SQLite before the debounced store', async () => {
		const client = connectClient(t, alice);
		const name = shardDocName(alice.userId as UserId, 7);
		const provider = client.open(name);
		await settled(provider);
		const before = countUpdates(name);
		addThought(provider.document, newThoughtId(), { ...fields, text: 'durable' });
		await settled(provider);
		// The store is debounced by 2 s; the log row exists as soon as the ack arrived.
		expect(countUpdates(name)).toBeGreaterThan(before);
		client.destroy();
	});
});

describe('owner-only documents', () => {
	it.each([
		['another user', (victim: string) => `u/${victim}/root`],
		['another user shard', (victim: string) => `u/${victim}/shard/0`],
		['dot-dot', (victim: string) => `u/me/../${victim}/root`],
		['encoded slash', (victim: string) => `u/${victim}%2Froot`],
		['trailing slash', (victim: string) => `u/${victim}/root/`],
		['upper case', (victim: string) => `U/${victim.toUpperCase()}/ROOT`],
		['leading zero shard', (victim: string) => `u/${victim}/shard/00`],
		['very long', (victim: string) => `u/${victim}/shard/${'9'.repeat(5000)}`],
		['empty', () => ''],
		['zero-width', (victim: string) => `u/${victim}\u200b/root`]
	])('refuses %s', async (_case, nameFor) => {
		const mallory = await register(t.base);
		const client = connectClient(t, mallory);
		const provider = client.open(nameFor(alice.userId).replace('/me/', `/${mallory.userId}/`));
		const failed = await new Promise<boolean>((resolve) => {
			provider.on('authenticationFailed', () => resolve(true));
			provider.on('synced', () => resolve(false));
		});
		expect(failed).toBe(true);
		expect(provider.document.getMap('thoughts').size).toBe(0);
		client.destroy();
	});

	it("refuses a non-UTF-8 name and another session's token, over raw frames", async () => {
		const mallory = await register(t.base);
		const aliceToken = await relayToken(t.base, alice);
		const replies = await rawExchange(mallory.cookie, [
			authMessage(new Uint8Array([0xff, 0xfe, 0x2f]), await relayToken(t.base, mallory)),
			authMessage(new TextEncoder().encode(rootDocName(alice.userId as UserId)), aliceToken)
		]);
		// Only auth answers (permission denied) or close frames come back; never document content.
		const types = replies.messages.map((m) => parseFrame(m)?.type);
		expect(types.every((type) => type === 2 || type === 7)).toBe(true);
	});

	it('refuses upgrades without a session, from another origin, and closes silent sockets', async () => {
		expect(await upgradeStatus({})).toBe(401);
		expect(await upgradeStatus({ Cookie: alice.cookie, Origin: 'https://evil.example' })).toBe(403);
		const code = await new Promise<number>((resolve) => {
			const ws = new (cookieSocket(alice.cookie))(t.wsUrl);
			ws.on('close', (c: number) => resolve(c));
		});
		expect(code).toBe(4408);
	});
});

describe('limits', () => {
	it('budgets messages for documents not yet authenticated, even after another one was', async () => {
		const own = shardDocName(alice.userId as UserId, 0);
		const ws = new (cookieSocket(alice.cookie))(t.wsUrl);
		await new Promise((resolve) => ws.on('open', resolve));
		const firstReply = new Promise((resolve) => ws.once('message', resolve));
		ws.send(authMessage(own, await relayToken(t.base, alice)));
		await firstReply;
		const closed = new Promise<number>((resolve) =>
			ws.on('close', (code: number) => resolve(code))
		);
		// Never authenticated: Hocuspocus would queue all of these in memory.
		const queued = syncMessage(`u/${alice.userId}/shard/1`, 0, new Uint8Array(1000));
		for (let i = 0; i < DEFAULT_RELAY_LIMITS.preAuthMessages + 10; i++) ws.send(queued);
		expect(await closed).toBe(4429);
	});
});

describe('sessions', () => {
	it('closes the sockets of a revoked device and refuses its tokens', async () => {
		const device = await register(t.base);
		const other = await (
			await import('./harness')
		).signIn(t.base, 'login', device.username, 'correct horse battery');
		const client = connectClient(t, device);
		const provider = client.open(shardDocName(device.userId as UserId, 0));
		await settled(provider);
		const closed = new Promise<number>((resolve) =>
			client.socket.on('close', ({ event }: { event: { code: number } }) => resolve(event.code))
		);
		await fetch(`${t.base}/api/devices/${device.sessionId}`, {
			method: 'DELETE',
			headers: { Cookie: other.cookie }
		});
		expect(await closed).toBe(4402);
		client.destroy();
		expect(await upgradeStatus({ Cookie: device.cookie })).toBe(401);
	});
});

function countUpdates(name: string): number {
	const row = t.server.services.database.sqlite
		.prepare('SELECT count(*) AS n FROM document_updates WHERE name = ?')
		.get(name) as { n: number };
	return row.n;
}

function upgradeStatus(headers: Record<string, string>): Promise<number> {
	return new Promise((resolve) => {
		const ws = new WebSocket(t.wsUrl, { headers });
		ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
		ws.on('open', () => {
			resolve(101);
			ws.close();
		});
		ws.on('error', () => {});
	});
}

async function rawExchange(cookie: string, frames: Uint8Array[]) {
	const ws = new (cookieSocket(cookie))(t.wsUrl);
	const messages: Uint8Array[] = [];
	await new Promise((resolve) => ws.on('open', resolve));
	ws.on('message', (data: Buffer) => messages.push(new Uint8Array(data)));
	for (const frame of frames) ws.send(frame);
	await new Promise((resolve) => setTimeout(resolve, 300));
	ws.close();
	return { messages };
}

describe('shutdown', () => {
	it('stores every document on a graceful stop, leaving no log rows behind', async () => {
		const own = await startTestServer();
		const account = await register(own.base);
		const client = connectClient(own, account);
		const name = shardDocName(account.userId as UserId, 0);
		const provider = client.open(name);
		await settled(provider);
		addThought(provider.document, newThoughtId(), { ...fields, text: 'kept on shutdown' });
		await settled(provider);
		const sqlite = own.server.services.database.sqlite;
		const logged = sqlite.prepare('SELECT count(*) AS n FROM document_updates WHERE name = ?');
		expect((logged.get(name) as { n: number }).n).toBeGreaterThan(0);
		await own.server.stop();
		client.destroy();

		const restarted = await startTestServer({}, own.dataDir);
		const db = restarted.server.services.database.sqlite;
		expect(
			(
				db.prepare('SELECT count(*) AS n FROM document_updates WHERE name = ?').get(name) as {
					n: number;
				}
			).n
		).toBe(0);
		const again = connectClient(restarted, account);
		const fresh = again.open(name);
		await settled(fresh);
		expect(listThoughts(fresh.document).map((t) => t.text)).toEqual(['kept on shutdown']);
		again.destroy();
		await restarted.stop();
	});
});
