import { LOCAL_USER } from '$sync/ids';
import type { Replica } from '$lib/replica/replica';
import { CAPTURE_DRAFT } from '$lib/replica/view-store';
import { deleteReplica, openReplica } from './replica';

/**
 * Moves what was written before signing in (local-only mode) into the account's replica:
 * thoughts by id (so a repeat adds nothing) and the unsent draft. The local copy is deleted
 * only after the account's copy has been written.
 */
export async function adoptLocalThoughts(account: Replica): Promise<number> {
	const local = await openReplica(LOCAL_USER);
	const thoughts = await local.allThoughts();
	const draft = await local.view.drafts.get(CAPTURE_DRAFT);
	const shards = local.shardNumbers;
	const { added } = await account.importThoughts(thoughts);
	if (draft && !(await account.view.drafts.get(CAPTURE_DRAFT)))
		await account.view.drafts.put(draft);
	await account.flush();
	await deleteReplica(LOCAL_USER, shards);
	return added;
}
