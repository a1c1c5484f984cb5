import { LOCAL_USER } from '$sync/ids';
import { Replica } from '$lib/replica/replica';

let current: Promise<Replica> | undefined;

/**
 * The device's replica. Local-only until the person has an account; signing in will swap it
 * for the account's replica (the next issue).
 */
export function openReplica(): Promise<Replica> {
	current ??= Replica.open(LOCAL_USER);
	return current;
}
