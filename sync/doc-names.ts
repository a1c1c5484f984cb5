import type { UserId } from './ids';

/** Document names: `u/<userId>/root` and `u/<userId>/shard/<n>`. Owner-only by construction. */
export type DocName =
	{ kind: 'root'; userId: UserId } | { kind: 'shard'; userId: UserId; shard: number };

const USER_ID = /^[a-z0-9_-]{1,64}$/;
const MAX_SHARD = 1_000_000;

export function rootDocName(userId: UserId): string {
	return `u/${userId}/root`;
}

export function shardDocName(userId: UserId, shard: number): string {
	return `u/${userId}/shard/${shard}`;
}

/** Strict parse: anything not produced by the two functions above is rejected (null). */
export function parseDocName(name: string): DocName | null {
	const parts = name.split('/');
	if (parts[0] !== 'u' || !USER_ID.test(parts[1] ?? '')) return null;
	const userId = parts[1] as UserId;
	if (parts.length === 3 && parts[2] === 'root') return { kind: 'root', userId };
	if (parts.length === 4 && parts[2] === 'shard' && /^(0|[1-9][0-9]{0,6})$/.test(parts[3])) {
		const shard = Number(parts[3]);
		if (shard <= MAX_SHARD) return { kind: 'shard', userId, shard };
	}
	return null;
}
