import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { waitFor } from './servers';

/**
 * Relay benchmark clients: real providers (HocuspocusProvider, y-websocket WebsocketProvider)
 * spread over 127.0.0.0/8 source addresses, and the account calls of our server they need.
 * A device is one socket; `hocuspocusDevice` opens one document on it, `openDocuments` many.
 */

export interface Device {
	doc: Y.Doc;
	synced: Promise<void>;
	disconnects: number;
	/** Local changes the server has not acknowledged yet (y-websocket has no acks: false). */
	hasUnsyncedChanges(): boolean;
	destroy(): void;
}

/**
 * Our relay caps sockets per address (DEFAULT_RELAY_LIMITS.maxSocketsPerAddress = 64), so clients
 * spread over 127.0.0.0/8 like real devices spread over many IPs. Applied to every server alike.
 */
let socketsPerAddress = 32;
let addressIndex = 0;

export function setSocketsPerAddress(count: number) {
	socketsPerAddress = count;
}

/** A ws class bound to the next loopback source address, carrying the session cookie if any. */
export function socketClass(cookie?: string) {
	const slot = Math.floor(addressIndex++ / socketsPerAddress);
	const localAddress = `127.0.${1 + Math.floor(slot / 250)}.${2 + (slot % 250)}`;
	return class extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, {
				localAddress,
				headers: cookie ? { Cookie: cookie } : undefined
			});
			this.on('error', () => {});
		}
	};
}

export async function post(url: string, body: unknown, cookie?: string) {
	const res = await fetch(url, {
		method: 'POST',
		headers: {
			'Content-Type': 'application/json',
			...(cookie ? { Cookie: cookie } : {})
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
	return res;
}

const PASSWORD = 'correct horse battery staple';

/** Two sessions (devices) of one new account on our server: register, then log in again. */
export async function accountSessions(base: string, n: number) {
	const username = `bench_${process.pid}_${n}_${Date.now().toString(36)}`;
	const credentials = { username, password: PASSWORD };
	const cookies: string[] = [];
	let userId = '';
	for (const action of ['register', 'login']) {
		const res = await post(`${base}/api/auth/${action}`, {
			...credentials,
			deviceName: `bench ${action}`
		});
		userId = (await res.json()).session.userId;
		cookies.push(res.headers.get('set-cookie')!.split(';')[0]);
	}
	return { userId, cookies };
}

/** One new account on our server with one session; returns its id and session cookie. */
export async function signUp(base: string, n: number) {
	const res = await post(`${base}/api/auth/register`, {
		username: `bench_${process.pid}_${n}_${Date.now().toString(36)}`,
		password: PASSWORD,
		deviceName: 'bench'
	});
	const userId: string = (await res.json()).session.userId;
	return { userId, cookie: res.headers.get('set-cookie')!.split(';')[0] };
}

/** A token callback for our relay: a fresh relay token from the session, as the app does. */
export function relayToken(base: string, cookie: string) {
	return async (): Promise<string> =>
		(await (await post(`${base}/api/auth/relay-token`, undefined, cookie)).json()).token;
}

export function hocuspocusDevice(
	url: string,
	name: string,
	token: string | (() => Promise<string>),
	cookie?: string
): Device {
	const doc = new Y.Doc();
	const socket = new HocuspocusProviderWebsocket({
		url,
		// Default reconnect backoff; a reconnect during the run is counted, not hidden.
		WebSocketPolyfill: socketClass(cookie)
	});
	const device: Device = {
		doc,
		disconnects: 0,
		synced: Promise.resolve(),
		hasUnsyncedChanges: () => provider.hasUnsyncedChanges,
		destroy() {
			provider.destroy();
			socket.destroy();
		}
	};
	const provider = new HocuspocusProvider({
		websocketProvider: socket,
		name,
		document: doc,
		token
	});
	provider.on('disconnect', () => device.disconnects++);
	device.synced = new Promise((resolveSynced) => {
		if (provider.isSynced) resolveSynced();
		provider.on('synced', () => resolveSynced());
	});
	provider.attach();
	return device;
}

export function yWebsocketDevice(url: string, name: string): Device {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(url, name, doc, {
		WebSocketPolyfill: socketClass() as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	const device: Device = {
		doc,
		disconnects: 0,
		synced: new Promise((resolveSynced) => {
			provider.on('sync', (synced: boolean) => synced && resolveSynced());
		}),
		hasUnsyncedChanges: () => false,
		destroy: () => provider.destroy()
	};
	provider.on('connection-close', () => device.disconnects++);
	return device;
}

/**
 * One device opening `names` over sockets of DOCS_PER_SOCKET documents each. With `contents`,
 * each document is uploaded once synced (as its own update, and acknowledged); without, it
 * only receives. Resolves when every document is synced; returns a function that closes all.
 */
export async function openDocuments(
	url: string,
	names: string[],
	options: {
		token: string | (() => Promise<string>);
		cookie?: string;
		contents?: Uint8Array[];
		docsPerSocket: number;
		timeoutMs: number;
	}
): Promise<() => void> {
	const sockets: HocuspocusProviderWebsocket[] = [];
	const providers: HocuspocusProvider[] = [];
	for (let i = 0; i < names.length; i++) {
		if (i % options.docsPerSocket === 0) {
			const WebSocketPolyfill = socketClass(options.cookie);
			sockets.push(new HocuspocusProviderWebsocket({ url, WebSocketPolyfill }));
		}
		const provider = new HocuspocusProvider({
			websocketProvider: sockets.at(-1)!,
			name: names[i],
			document: new Y.Doc(),
			token: options.token
		});
		provider.attach();
		providers.push(provider);
	}
	const close = () => {
		for (const provider of providers) provider.destroy();
		for (const socket of sockets) socket.destroy();
	};
	try {
		const { contents, timeoutMs } = options;
		await waitFor(() => providers.every((p) => p.isSynced), timeoutMs, 'documents synced');
		if (contents) {
			providers.forEach((provider, i) => Y.applyUpdate(provider.document, contents[i]));
			const acked = () => providers.every((p) => !p.hasUnsyncedChanges);
			await waitFor(acked, timeoutMs, 'uploads acknowledged');
		}
	} catch (error) {
		close();
		throw error;
	}
	return close;
}
