/**
 * Identifiers: branded types, how ids are minted, and the one place their shapes are written.
 * Routes, body schemas and stored-account parsers build their patterns from `ID_SOURCE`.
 */
declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type ThoughtId = Brand<string, 'ThoughtId'>;
export type UserId = Brand<string, 'UserId'>;

/** The user id of a device that has no account yet. Its docs are uploaded on sign-up. */
export const LOCAL_USER = 'local' as UserId;

/** Crockford base 32 in lower case: no i, l, o or u, so ids read aloud without doubt. */
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Id shapes as unanchored regex sources, so a route can capture one inside a longer path
 * (`/@(<handle>)/avatar`). The anchored patterns below test a whole string.
 */
export const ID_SOURCE = {
	/** A username; the same string is the person's public @handle. */
	handle: '[a-z0-9_]{3,32}',
	/** Server accounts and `LOCAL_USER`; doc names embed it, so no `/` or `.`. */
	userId: '[a-z0-9_-]{1,64}',
	/** `t`, 10 base-32 digits of creation time, 12 random ones: see `newThoughtId`. */
	thought: 't[0-9a-hjkmnp-tv-z]{22}',
	/**
	 * Posts are published thoughts and replies are minted the same way (`r` first). The API
	 * accepts their shape over the whole lower-case alphabet: an id never minted is not found.
	 */
	post: 't[0-9a-z]{22}',
	reply: 'r[0-9a-z]{22}',
	/** A signed-in device (its session), 12 random bytes in hex. */
	device: '[a-f0-9]{24}'
} as const;

const whole = (source: string) => new RegExp(`^(?:${source})$`);
export const USERNAME = whole(ID_SOURCE.handle);
export const USER_ID = whole(ID_SOURCE.userId);
export const POST_ID = whole(ID_SOURCE.post);
export const REPLY_ID = whole(ID_SOURCE.reply);
export const DEVICE_ID = whole(ID_SOURCE.device);
const THOUGHT_ID = whole(ID_SOURCE.thought);
/** `<createdAt>-<post id>`: where the next page of posts starts (just before that post). */
const POST_CURSOR = new RegExp(`^(\\d{1,16})-(${ID_SOURCE.post})$`);

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

/** A reply id: minted like a thought id, so replies sort by time, with `r` first. */
export function newReplyId(now = Date.now()): string {
	return `r${newThoughtId(now).slice(1)}`;
}

export function isThoughtId(value: unknown): value is ThoughtId {
	return typeof value === 'string' && THOUGHT_ID.test(value);
}

export function isUserId(value: unknown): value is UserId {
	return typeof value === 'string' && USER_ID.test(value);
}

export interface PostCursor {
	createdAt: number;
	id: string;
}

export function formatPostCursor(post: PostCursor): string {
	return `${post.createdAt}-${post.id}`;
}

/** The cursor in a `before` query parameter, or null when it is not one this API wrote. */
export function parsePostCursor(raw: string): PostCursor | null {
	const match = POST_CURSOR.exec(raw);
	return match ? { createdAt: Number(match[1]), id: match[2] } : null;
}

/** Web Crypto exists in browsers, workers and Node ≥ 20; sync/ is typed without DOM or Node. */
type WebCrypto = { getRandomValues(array: Uint8Array): Uint8Array };

function randomBytes(n: number): Uint8Array {
	return (globalThis as unknown as { crypto: WebCrypto }).crypto.getRandomValues(new Uint8Array(n));
}
