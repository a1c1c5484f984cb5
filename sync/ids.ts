/** Branded identifiers. The brand stops a plain string from being passed where an id is meant. */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type ThoughtId = Brand<string, 'ThoughtId'>;
export type UserId = Brand<string, 'UserId'>;

/** The user id of a device that has no account yet. Its docs are uploaded on sign-up. */
export const LOCAL_USER = 'local' as UserId;

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const THOUGHT_ID = /^t[0-9a-hjkmnp-tv-z]{10}[0-9a-hjkmnp-tv-z]{12}$/;

/**
 * A thought id sorts by creation time (10 base-32 digits of milliseconds) and is unique
 * across devices (60 random bits), so two offline devices never collide.
 */
export function newThoughtId(
	now = Date.now(),
	random: (n: number) => Uint8Array = randomBytes
): ThoughtId {
	let time = '';
	for (let i = 0, t = now; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
	let rand = '';
	for (const byte of random(12)) rand += CROCKFORD[byte % 32];
	return `t${time}${rand}` as ThoughtId;
}

export function isThoughtId(value: unknown): value is ThoughtId {
	return typeof value === 'string' && THOUGHT_ID.test(value);
}

/** Web Crypto exists in browsers, workers and Node ≥ 20; sync/ is typed without DOM or Node. */
type WebCrypto = { getRandomValues(array: Uint8Array): Uint8Array };

function randomBytes(n: number): Uint8Array {
	return (globalThis as unknown as { crypto: WebCrypto }).crypto.getRandomValues(new Uint8Array(n));
}
