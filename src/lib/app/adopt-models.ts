import type { Replica } from '$lib/replica/replica';
import { deviceBlobsFor } from './device-blobs';

/**
 * Moves the models made before signing in into the account: their files into the account's
 * blob store first (uploaded once it connects), so no version there names a file it lacks;
 * then every version the account does not have (built-in ones it has: their ids are fixed);
 * and the local tag model becomes the account's when the account has none. Returns how many
 * versions were added; a repeat adds nothing.
 */
export async function adoptLocalModels(local: Replica, account: Replica): Promise<number> {
	const from = deviceBlobsFor(local).store;
	const to = deviceBlobsFor(account);
	for (const { sha256 } of await from.list()) {
		const bytes = await from.get(sha256);
		if (bytes) await to.put(bytes);
	}
	const added = local.models.listVersions().filter(({ id }) => !account.models.getVersion(id));
	for (const version of added) account.models.addVersion(version);
	const tagger = local.models.aliasesOf('tag').active;
	if (tagger && !account.models.aliasesOf('tag').active) account.models.promote('tag', tagger);
	return added.length;
}

/** Deletes the local blobs once the account's copies are kept (after `adoptLocalModels`). */
export async function deleteLocalBlobs(local: Replica): Promise<void> {
	await deviceBlobsFor(local).store.deleteAll();
}
