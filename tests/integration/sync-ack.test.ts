import { HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocumentsRepository } from '../../server/db/documents.repository';
import { AckedProvider } from '../../src/lib/replica/acked-provider';
import { addThought, readThought } from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type ThoughtId, type UserId } from '../../sync/ids';
import {
	cookieSocket,
	register,
	relayToken,
	settled,
	startTestServer,
	type Account,
	type TestServer
} from './harness';

/**
 * "Settled" (synced, no unsynced changes) is what the sync status and the crash-safety harness
 * call acknowledged. It must mean the relay has every local change on disk, also for changes made
 * across a reconnect: while the socket was down, and while the new socket was authenticating.
 */
let server: TestServer;
let account: Account;
beforeAll(async () => {
	server = await startTestServer();
	account = await register(server.base);
});
afterAll(() => server.stop());

/** The document as the relay has it on disk right now (state plus update log). */
function storedDoc(name: string): Y.Doc {
	const stored = new DocumentsRepository(server.server.services.database.db).load(name);
	const doc = new Y.Doc();
	if (stored.state) Y.applyUpdate(doc, stored.state);
	for (const update of stored.updates) Y.applyUpdate(doc, update);
	return doc;
}

interface Emitter {
	on(event: string, listener: () => void): unknown;
	off(event: string, listener: () => void): unknown;
}
const nextEvent = (emitter: Emitter, event: string) =>
	new Promise<void>((resolve) => {
		const once = () => {
			emitter.off(event, once);
			resolve();
		};
		emitter.on(event, once);
	});

const write = (doc: Y.Doc, text: string): ThoughtId => {
	const id = newThoughtId();
	addThought(doc, id, { text, createdAt: Date.now(), visibility: 'private', pinned: false });
	return id;
};

it('reports settled only once the relay has stored changes made across a reconnect', async () => {
	const name = shardDocName(account.userId as UserId, 0);
	let tokenGate: Promise<void> = Promise.resolve();
	const socket = new HocuspocusProviderWebsocket({
		url: server.wsUrl,
		WebSocketPolyfill: cookieSocket(account.cookie),
		delay: 50,
		minDelay: 50,
		maxDelay: 500
	});
	const provider = new AckedProvider({
		websocketProvider: socket,
		name,
		document: new Y.Doc(),
		token: async () => {
			await tokenGate;
			return relayToken(server.base, account);
		}
	});
	provider.attach();
	try {
		await settled(provider);
		const first = write(provider.document, 'before the reconnect');
		await settled(provider);

		socket.disconnect();
		await nextEvent(socket, 'disconnect');
		const whileDown = write(provider.document, 'while the socket is down');

		// The next socket waits on its token: a change made now precedes the handshake's sync step.
		let openToken!: () => void;
		tokenGate = new Promise((resolve) => (openToken = resolve));
		const opened = nextEvent(provider, 'open');
		void socket.connect();
		await opened;
		const whileAuthenticating = write(provider.document, 'while the socket authenticates');
		openToken();

		await settled(provider);
		const stored = storedDoc(name);
		expect(readThought(stored, first)?.text).toBe('before the reconnect');
		expect(readThought(stored, whileDown)?.text).toBe('while the socket is down');
		expect(readThought(stored, whileAuthenticating)?.text).toBe('while the socket authenticates');
	} finally {
		provider.destroy();
		socket.destroy();
	}
});
