import { adoptLocalThoughts } from '$lib/app/adopt-local';
import type { PublishChoice } from '$lib/app/publish-consent';
import { closeReplica, openReplica } from '$lib/app/device-replicas';
import { notices } from '$lib/app/notices.svelte';
import { session } from '$lib/app/session.svelte';
import { syncStatus } from '$lib/app/sync-status.svelte';
import { disablePush } from '$lib/features/notifications/push-settings';

/**
 * Signs in (or creates the account), then moves this device's local-only thoughts into it before
 * the app switches over, so nothing written before signing in is left behind or duplicated.
 * `choice` is the person's answer on publishing the shared ones (private unless they said so).
 */
export async function signIn(
	mode: 'login' | 'register',
	username: string,
	password: string,
	choice: PublishChoice = 'private'
): Promise<number> {
	const account = await session.authenticate(mode, username, password);
	const replica = await openReplica(account.userId);
	const adopted = await adoptLocalThoughts(replica, choice);
	session.adopt(account);
	return adopted;
}

/** Unsynced thoughts stay on this device and sync at the next sign-in; the person is told so. */
export async function signOut(): Promise<void> {
	const unsynced = syncStatus.unsynced;
	const userId = session.userId;
	// This device stops getting the account's notifications; offline, the server drops the
	// subscription the first time the push service reports it gone.
	await disablePush().catch(() => {});
	await session.signOut();
	await closeReplica(userId);
	notices.show(
		'info',
		unsynced > 0
			? `Signed out. ${unsynced} thoughts had not synced yet: they stay on this device and sync when you sign in again.`
			: 'Signed out.'
	);
}
