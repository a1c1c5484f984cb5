import { USER_ID, type UserId } from './ids';

/** Document names: `u/<userId>/root` and `u/<userId>/shard/<n>`. Owner-only by construction. */
export type DocName =
	{ kind: 'root'; userId: UserId } | { kind: 'shard'; userId: UserId; shard: number };

/**
 * The highest shard number the relay serves: shards 0..999 at SHARD_CAPACITY (1,000) thoughts
 * each hold a million thoughts, 20 times the 50k-thought library the app is measured with.
 * Shards are numbered in order as each one fills (root-doc addShard), so a number can only be
 * reached by writing that many thoughts; the storage quota (about 290 bytes per thought) binds
 * long before. Without a cap one account could address a million empty documents.
 */
export const MAX_SHARD = 999;

export function rootDocName(userId: UserId): string {
	return `u/${userId}/root`;
}

export function shardDocName(userId: UserId, shard: number): string {
	return `u/${userId}/shard/${shard}`;
}

/**
 * Strict parse: anything not produced by the two functions above is rejected (null), and so is
 * a shard past MAX_SHARD (isShardOutOfRange tells that case apart).
 */
export function parseDocName(name: string): DocName | null {
	const parsed = parseUncapped(name);
	return parsed && (parsed.kind === 'root' || parsed.shard <= MAX_SHARD) ? parsed : null;
}

/** A well-formed shard name whose number is past MAX_SHARD. */
export function isShardOutOfRange(name: string): boolean {
	const parsed = parseUncapped(name);
	return parsed?.kind === 'shard' && parsed.shard > MAX_SHARD;
}

function parseUncapped(name: string): DocName | null {
	const parts = name.split('/');
	if (parts[0] !== 'u' || !USER_ID.test(parts[1] ?? '')) return null;
	const userId = parts[1] as UserId;
	if (parts.length === 3 && parts[2] === 'root') return { kind: 'root', userId };
	if (parts.length === 4 && parts[2] === 'shard' && /^(0|[1-9][0-9]{0,6})$/.test(parts[3])) {
		return { kind: 'shard', userId, shard: Number(parts[3]) };
	}
	return null;
}
