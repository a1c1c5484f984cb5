import Dexie from 'dexie';
import { browser } from '$app/environment';
import type { UserId } from '$sync/ids';
import { rootDocName, shardDocName } from '$sync/doc-names';
import { DB_PREFIX } from '$lib/replica/persisted-doc';
import { Replica } from '$lib/replica/replica';
import { ViewDb } from '$lib/replica/view-store';
import { session } from './session.svelte';

const open = new Map<UserId, Promise<Replica>>();

// The layout asks for the replica only once every module of the page has loaded; opening it
// from here lets IndexedDB work while the rest of the app is still being parsed.
if (browser) {
	openReplica(session.userId).catch(() => {
		// The layout awaits this same promise and shows the failure.
	});
}

/** The device's replica of a user's docs (`local` before there is an account), opened once. */
export function openReplica(userId: UserId): Promise<Replica> {
	let replica = open.get(userId);
	if (!replica) {
		replica = Replica.open(userId);
		open.set(userId, replica);
	}
	return replica;
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
