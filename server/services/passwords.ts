import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with @node-rs/argon2's defaults (m=19456 KiB, t=2, p=1: OWASP's minimum). At most a
 * few hashes run at once, so a burst of logins cannot starve the relay of CPU.
 */
const MAX_CONCURRENT = 4;
let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
	if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
	running++;
	try {
		return await work();
	} finally {
		running--;
		waiting.shift()?.();
	}
}

export function hashPassword(password: string): Promise<string> {
	return limited(() => hash(password));
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	return limited(() => verify(passwordHash, password).catch(() => false));
}

/** Verifying against this when a user does not exist keeps both answers equally slow. */
export const DUMMY_HASH =
	'$argon2id$v=19$m=19456,t=2,p=1$pZSSquoL3L1Hz4KRpbMzSw$Za/saFwE2hiuxeifLU7MbrR4My5FCvJRzKq5r0DTM+c';
