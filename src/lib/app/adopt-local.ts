import { LOCAL_USER } from '$sync/ids';
import type { Replica } from '$lib/replica/replica';
import { CAPTURE_DRAFT } from '$lib/replica/view-store';
import { applyChoice, countOutgoing, type Outgoing, type PublishChoice } from './publish-consent';
import { deleteReplica, openReplica } from './device-replicas';

/** What moving this device's local-only thoughts into an account would publish. */
export async function localOutgoing(): Promise<Outgoing> {
	const local = await openReplica(LOCAL_USER);
	return countOutgoing(await local.view.thoughts.toArray());
}

/**
 * Moves what was written before signing in (local-only mode) into the account's replica:
 * thoughts by id (so a repeat adds nothing) and the unsent draft. Shared thoughts keep their
 * visibility only when the person chose to publish them. The local copy is deleted only after
 * the account's copy has been written.
 */
export async function adoptLocalThoughts(account: Replica, choice: PublishChoice): Promise<number> {
	const local = await openReplica(LOCAL_USER);
	const thoughts = applyChoice(await local.allThoughts(), choice);
	const draft = await local.view.drafts.get(CAPTURE_DRAFT);
	const shards = local.shardNumbers;
	const { added } = await account.importThoughts(thoughts);
	if (draft && !(await account.view.drafts.get(CAPTURE_DRAFT)))
		await account.view.drafts.put(draft);
	await account.flush();
	await deleteReplica(LOCAL_USER, shards);
	return added;
}
