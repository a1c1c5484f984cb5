import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE } from '$sync/protocol/close-codes';
import type { Replica } from '$lib/replica/replica';
import type { SyncOptions } from '$lib/replica/replica-sync';
import { notices } from './notices.svelte';
import { STORAGE_FULL_RETRY_MS, connectReplica } from './sync-connection';
import { syncStatus } from './sync-status.svelte';

/** Every ReplicaSync the connection made, with its options and whether it was stopped. */
const syncs = vi.hoisted(
	() => [] as { options: SyncOptions; isStopped: boolean; isStarted: boolean }[]
);

vi.mock('$lib/replica/replica-sync', () => ({
	ReplicaSync: class {
		readonly #entry;
		constructor(_replica: unknown, options: SyncOptions) {
			this.#entry = { options, isStopped: false, isStarted: false };
			syncs.push(this.#entry);
		}
		async start() {
			this.#entry.isStarted = true;
		}
		stop() {
			this.#entry.isStopped = true;
		}
	}
}));

const replica = {
	userId: '0f3a9c2e11b4d5e6f7a8b9c0',
	view: { pending: { count: async () => 1 } }
} as unknown as Replica;

let stop: () => void = () => {};

beforeEach(() => {
	vi.useFakeTimers();
	vi.stubGlobal('location', { protocol: 'http:', host: 'localhost' });
	syncs.length = 0;
	notices.items = [];
});

afterEach(() => {
	stop();
	vi.useRealTimers();
	vi.unstubAllGlobals();
	vi.restoreAllMocks();
});

describe('connectReplica when the account storage is full', () => {
	it('stops syncing, shows "Storage full", keeps the replica and tries again later', () => {
		const show = vi.spyOn(notices, 'show');
		stop = connectReplica(replica);
		expect(syncs).toHaveLength(1);
		syncs[0].options.onState({ isConnected: true, syncingDocs: 2 });
		syncs[0].options.onClose?.(CLOSE.storageFull.code);

		expect(syncs[0].isStopped).toBe(true);
		expect(syncStatus.isStorageFull).toBe(true);
		expect(syncStatus.label).toBe('Storage full');
		expect(notices.items.map((notice) => notice.message)).toEqual([
			expect.stringContaining('Storage full')
		]);

		// No reconnect loop: nothing new until the retry is due.
		vi.advanceTimersByTime(STORAGE_FULL_RETRY_MS - 1);
		expect(syncs).toHaveLength(1);
		vi.advanceTimersByTime(1);
		expect(syncs).toHaveLength(2);
		expect(syncs[1].isStarted).toBe(true);

		// Refused again: still full, no second notice, the next retry scheduled.
		syncs[1].options.onClose?.(CLOSE.storageFull.code);
		expect(syncs[1].isStopped).toBe(true);
		expect(show).toHaveBeenCalledTimes(1);
		vi.advanceTimersByTime(STORAGE_FULL_RETRY_MS);
		expect(syncs).toHaveLength(3);

		// There was room this time: everything synced, the state clears.
		syncs[2].options.onState({ isConnected: true, syncingDocs: 1 });
		expect(syncStatus.isStorageFull).toBe(true);
		syncs[2].options.onState({ isConnected: true, syncingDocs: 0 });
		expect(syncStatus.isStorageFull).toBe(false);
		expect(syncStatus.label).not.toBe('Storage full');
	});

	it('retries at once from the notice, and never after signing out', () => {
		stop = connectReplica(replica);
		syncs[0].options.onClose?.(CLOSE.storageFull.code);
		const retry = notices.items[0].action!;
		expect(retry.label).toBe('Try again');
		retry.run();
		expect(syncs).toHaveLength(2);

		syncs[1].options.onClose?.(CLOSE.storageFull.code);
		stop();
		retry.run();
		vi.advanceTimersByTime(STORAGE_FULL_RETRY_MS * 2);
		expect(syncs).toHaveLength(2);
		expect(syncStatus.isStorageFull).toBe(false);
	});
});
