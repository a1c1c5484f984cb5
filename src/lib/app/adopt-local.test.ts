import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LOCAL_USER, type UserId } from '$sync/ids';
import { adoptLocalThoughts, localOutgoing } from './adopt-local';
import { closeReplica, openReplica } from './device-replicas';

let counter = 0;
/** A day ago: well inside the 30 days, so no purge removes it meanwhile. */
const DELETED_AT = Date.now() - 24 * 60 * 60 * 1000;

/** A local-only library: one thought per visibility, and a public one in the trash. */
async function localLibrary(): Promise<void> {
	const local = await openReplica(LOCAL_USER);
	await local.capture('private one');
	await local.capture('public one', { visibility: 'public' });
	await local.capture('followers one', { visibility: 'followers' });
	const trashed = await local.capture('deleted public one', { visibility: 'public' });
	await local.remove(trashed, DELETED_AT);
	await local.flush();
}

async function account() {
	return openReplica(`account${++counter}` as UserId);
}

describe('adopting local thoughts into an account', () => {
	it('counts what would be published, trash aside', async () => {
		await localLibrary();
		expect(await localOutgoing()).toEqual({ public: 1, followers: 1 });
		await adoptLocalThoughts(await account(), 'private');
	});

	it('brings everything in private unless the person chose to publish', async () => {
		await localLibrary();
		const target = await account();
		expect(await adoptLocalThoughts(target, 'private')).toBe(3);
		const rows = await target.view.thoughts.toArray();
		expect(rows.map((row) => row.visibility)).toEqual(['private', 'private', 'private']);
		await closeReplica(target.userId);
	});

	it('keeps the visibility when asked, and the trash restorable with its deletion time', async () => {
		await localLibrary();
		const target = await account();
		await adoptLocalThoughts(target, 'keep');
		const byText = new Map((await target.view.thoughts.toArray()).map((r) => [r.text, r]));
		expect(byText.get('public one')?.visibility).toBe('public');
		expect(byText.get('followers one')?.visibility).toBe('followers');
		const [trashed] = await target.view.trash.toArray();
		expect(trashed).toMatchObject({ text: 'deleted public one', deletedAt: DELETED_AT });
		// Never published on the way in: a deleted thought comes back private.
		expect(trashed.visibility).toBe('private');
		expect(await (await openReplica(LOCAL_USER)).view.thoughts.count()).toBe(0);
		await closeReplica(target.userId);
	});
});
