import Dexie from 'dexie';
import type { UserId } from '$sync/ids';
import { rootDocName, shardDocName } from '$sync/doc-names';
import { DB_PREFIX } from '$lib/replica/persisted-doc';
import { Replica } from '$lib/replica/replica';
import { ViewDb } from '$lib/replica/view-db';

/** The replicas this device has open, one per user (`local` before there is an account). */
const open = new Map<UserId, Promise<Replica>>();

/** The device's replica of a user's docs, opened once and shared by every caller. */
export function openReplica(userId: UserId): Promise<Replica> {
	let replica = open.get(userId);
	if (!replica) {
		replica = Replica.open(userId);
		open.set(userId, replica);
	}
	return replica;
}

/**
 * Starts opening a replica without waiting for it, so IndexedDB works while the rest of the app
 * is still loading. Whoever needs it calls `openReplica` and gets the same promise.
 */
export function openReplicaEarly(userId: UserId): void {
	openReplica(userId).catch(() => {
		// The layout awaits this same promise and shows the failure.
	});
}

export async function closeReplica(userId: UserId): Promise<void> {
	const replica = open.get(userId);
	open.delete(userId);
	await (await replica)?.close();
}

/** Deletes every local database of a user's replica (after its thoughts moved elsewhere). */
export async function deleteReplica(userId: UserId, shards: number[]): Promise<void> {
	await closeReplica(userId);
	const names = [rootDocName(userId), ...shards.map((n) => shardDocName(userId, n))];
	await Promise.all(names.map((name) => Dexie.delete(DB_PREFIX + name)));
	await new ViewDb(userId).delete();
}
