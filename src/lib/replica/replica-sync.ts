import {
	HocuspocusProviderWebsocket,
	WebSocketStatus,
	type HocuspocusProvider
} from '@hocuspocus/provider';
import type * as Y from 'yjs';
import { parseDocName } from '$sync/doc-names';
import { CLOSE } from '$sync/protocol/close-codes';
import { AckedProvider } from './acked-provider';
import type { Replica } from './replica';

export interface SyncOptions {
	url: string;
	/** A fresh relay token; called for every document authentication. */
	token: () => Promise<string>;
	/** The relay no longer accepts this device's session (revoked or expired). */
	onUnauthorized: () => void;
	onState: (state: SyncState) => void;
	/** The relay closed the socket; runs before the provider schedules a reconnect. */
	onClose?: (code: number) => void;
	/** Shards synced at once in the background. */
	concurrency?: number;
}

export interface SyncState {
	isConnected: boolean;
	/**
	 * Documents still exchanging changes with the relay (open ones and background passes), or
	 * not synced yet at all: the root doc until its first sync, then every shard it lists.
	 */
	syncingDocs: number;
}

/**
 * Keeps a replica in step with the relay over ONE WebSocket: every doc the replica has open gets
 * a provider, and shards that are not open are synced in the background a few at a time, on
 * start, on every reconnect and whenever another device adds a shard.
 */
export class ReplicaSync {
	readonly #replica: Replica;
	readonly #options: SyncOptions;
	readonly #socket: HocuspocusProviderWebsocket;
	readonly #providers = new Map<string, HocuspocusProvider>();
	readonly #settledWaiters = new Map<string, (() => void)[]>();
	#stops: (() => void)[] = [];
	#isConnected = false;
	#backgroundRunning = 0;
	#pass: Promise<void> | null = null;
	#isPassQueued = false;
	/** Until the root doc has synced, the shard list is not the account's. */
	#isRootSynced = false;
	/** Shards synced with the relay at least once since this device started syncing. */
	#syncedShards = new Set<number>();

	constructor(replica: Replica, options: SyncOptions) {
		this.#replica = replica;
		this.#options = options;
		this.#socket = new HocuspocusProviderWebsocket({
			url: options.url,
			// Passed here, not with on('close'), so that a stop() in it cancels the reconnect.
			onClose: ({ event }) => options.onClose?.(event.code)
		});
		this.#socket.on('status', ({ status }: { status: WebSocketStatus }) => {
			this.#isConnected = status === WebSocketStatus.Connected;
			this.#report();
			if (this.#isConnected) this.#scheduleBackgroundPass();
		});
		this.#socket.on('close', ({ event }: { event: { code: number } }) => {
			if (event.code === CLOSE.sessionRevoked.code) options.onUnauthorized();
		});
	}

	async start(): Promise<void> {
		// The browser knows first when the network is gone: stop retrying, resume when it is back.
		const offline = () => this.#socket.disconnect();
		const online = () => void this.#socket.connect();
		window.addEventListener('offline', offline);
		window.addEventListener('online', online);
		this.#stops.push(
			() => window.removeEventListener('offline', offline),
			() => window.removeEventListener('online', online),
			await this.#replica.watchDocs({
				opened: (name, doc) => this.#attach(name, doc),
				closed: (name) => this.#detach(name)
			}),
			this.#replica.onShardsChanged(() => this.#scheduleBackgroundPass())
		);
	}

	stop(): void {
		for (const stop of this.#stops) stop();
		this.#stops = [];
		for (const name of [...this.#providers.keys()]) this.#detach(name);
		this.#socket.destroy();
	}

	/** Resolves when every open doc is synced and the background pass has finished. */
	async whenIdle(): Promise<void> {
		while (this.#pass) await this.#pass;
		await Promise.all([...this.#providers.keys()].map((name) => this.#settled(name)));
	}

	#attach(name: string, doc: Y.Doc): void {
		if (this.#providers.has(name)) return;
		const provider = new AckedProvider({
			websocketProvider: this.#socket,
			name,
			document: doc,
			token: this.#options.token,
			onAuthenticationFailed: () => this.#options.onUnauthorized()
		});
		const onProgress = () => {
			if (provider.isSynced && !provider.hasUnsyncedChanges) {
				this.#markSynced(name);
				this.#replica.confirmSynced(name);
				for (const resolve of this.#settledWaiters.get(name) ?? []) resolve();
				this.#settledWaiters.delete(name);
			}
			this.#report();
		};
		provider.on('synced', onProgress);
		provider.on('unsyncedChanges', onProgress);
		this.#providers.set(name, provider);
		provider.attach();
		this.#report();
	}

	#detach(name: string): void {
		this.#providers.get(name)?.destroy();
		this.#providers.delete(name);
		this.#report();
	}

	#settled(name: string): Promise<void> {
		const provider = this.#providers.get(name);
		if (!provider || (provider.isSynced && !provider.hasUnsyncedChanges)) return Promise.resolve();
		return new Promise((resolve) => {
			this.#settledWaiters.set(name, [...(this.#settledWaiters.get(name) ?? []), resolve]);
		});
	}

	#scheduleBackgroundPass(): void {
		if (this.#pass) {
			this.#isPassQueued = true;
			return;
		}
		this.#pass = this.#backgroundPass().finally(() => {
			this.#pass = null;
			if (this.#isPassQueued) {
				this.#isPassQueued = false;
				this.#scheduleBackgroundPass();
			}
		});
	}

	/** Opens each shard that is not open, lets it sync, closes it; a few at a time. */
	async #backgroundPass(): Promise<void> {
		const queue = [...this.#replica.shardNumbers];
		const worker = async () => {
			for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
				if (!this.#isConnected) return;
				this.#backgroundRunning++;
				try {
					await this.#replica.visitShard(n, async (doc) => {
						const name = [...this.#providers].find(([, p]) => p.document === doc)?.[0];
						if (name) await this.#settled(name);
					});
				} finally {
					this.#backgroundRunning--;
					this.#report();
				}
			}
		};
		await Promise.all(Array.from({ length: this.#options.concurrency ?? 4 }, worker));
	}

	#markSynced(name: string): void {
		const parsed = parseDocName(name);
		if (parsed?.kind === 'root') this.#isRootSynced = true;
		else if (parsed?.kind === 'shard') this.#syncedShards.add(parsed.shard);
	}

	#report(): void {
		let syncing = this.#backgroundRunning;
		if (!this.#isRootSynced) syncing++;
		for (const n of this.#replica.shardNumbers) if (!this.#syncedShards.has(n)) syncing++;
		for (const provider of this.#providers.values()) {
			if (!provider.isSynced || provider.hasUnsyncedChanges) syncing++;
		}
		this.#options.onState({ isConnected: this.#isConnected, syncingDocs: syncing });
		// Everything heard from the relay: only now may old trash go (see Replica.sweepTrash).
		if (this.#isConnected && syncing === 0) void this.#replica.sweepTrash();
	}
}
