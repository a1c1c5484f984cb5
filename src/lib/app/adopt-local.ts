import { LOCAL_USER } from '$sync/ids';
import type { Replica } from '$lib/replica/replica';
import { CAPTURE_DRAFT } from '$lib/features/thoughts/capture-draft';
import { adoptLocalModels, deleteLocalBlobs } from './adopt-models';
import { applyChoice, countOutgoing, type Outgoing, type PublishChoice } from './publish-consent';
import { deleteReplica, openReplica } from './device-replicas';

/** What moving this device's local-only thoughts into an account would publish. */
export async function localOutgoing(): Promise<Outgoing> {
	const local = await openReplica(LOCAL_USER);
	return countOutgoing(await local.view.thoughts.toArray());
}

/**
 * Moves what was written before signing in (local-only mode) into the account's replica:
 * thoughts by id (so a repeat adds nothing), the unsent draft, and the models with their files.
 * Shared thoughts keep their visibility only when the person chose to publish them. The local
 * copy is deleted only after the account's copy has been written.
 */
export async function adoptLocalThoughts(account: Replica, choice: PublishChoice): Promise<number> {
	const local = await openReplica(LOCAL_USER);
	const thoughts = applyChoice(await local.allThoughts(), choice);
	const draft = await local.view.drafts.get(CAPTURE_DRAFT);
	const shards = local.shardNumbers;
	const { added } = await account.importThoughts(thoughts);
	await adoptTrash(local, account);
	await adoptLocalModels(local, account);
	if (draft && !(await account.view.drafts.get(CAPTURE_DRAFT)))
		await account.view.drafts.put(draft);
	await account.flush();
	await deleteReplica(LOCAL_USER, shards);
	await deleteLocalBlobs(local);
	return added;
}

/**
 * What was in the local trash stays restorable in the account, keeping its deletion time. It goes
 * in private: between its import and its trashing the relay could store it, and a deleted thought
 * must never be published on the way.
 */
async function adoptTrash(local: Replica, account: Replica): Promise<void> {
	const trashed = await local.view.trash.toArray();
	const ids = trashed.map((row) => row.id);
	const [live, inTrash] = await Promise.all([
		account.view.thoughts.bulkGet(ids),
		account.view.trash.bulkGet(ids)
	]);
	const fresh = trashed.filter((_, i) => !live[i] && !inTrash[i]);
	await account.importThoughts(
		fresh.map(({ id, text, createdAt, pinned }) => ({
			id,
			text,
			createdAt,
			visibility: 'private',
			pinned: pinned === 1
		}))
	);
	for (const row of fresh) await account.remove(row.id, row.deletedAt);
}
