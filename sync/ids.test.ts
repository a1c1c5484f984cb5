import { describe, expect, it } from 'vitest';
import {
	formatPostCursor,
	isThoughtId,
	isUserId,
	LOCAL_USER,
	newReplyId,
	newThoughtId,
	parsePostCursor,
	POST_ID,
	REPLY_ID
} from './ids';
import { MAX_SHARD, isShardOutOfRange, parseDocName, rootDocName, shardDocName } from './doc-names';
import type { UserId } from './ids';

describe('thought ids', () => {
	it('are valid, unique and sort by creation time', () => {
		const a = newThoughtId(1_000);
		const b = newThoughtId(2_000);
		expect(isThoughtId(a)).toBe(true);
		expect(a < b).toBe(true);
		expect(new Set(Array.from({ length: 1000 }, () => newThoughtId(5))).size).toBe(1000);
	});

	it('rejects anything else', () => {
		for (const bad of ['', 'x', 't' + 'i'.repeat(22), 42, null, newThoughtId() + 'x']) {
			expect(isThoughtId(bad)).toBe(false);
		}
	});
});

describe('reply ids', () => {
	it("sort by creation time and have the reply shape, not a post's", () => {
		const a = newReplyId(1_000);
		expect(a < newReplyId(2_000)).toBe(true);
		expect(REPLY_ID.test(a)).toBe(true);
		expect(POST_ID.test(a)).toBe(false);
		expect(POST_ID.test(newThoughtId())).toBe(true);
	});
});

describe('user ids', () => {
	it('accept server ids and the local user, nothing that could break a doc name', () => {
		expect(isUserId('0f3a9c2e11b4d5e6f7a8b9c0')).toBe(true);
		expect(isUserId(LOCAL_USER)).toBe(true);
		for (const bad of ['', 'a/b', '../x', 'Alice', 'a'.repeat(65), 7]) {
			expect(isUserId(bad)).toBe(false);
		}
	});
});

describe('post cursors', () => {
	it('round-trip', () => {
		const cursor = { createdAt: 1_700_000_000_000, id: newThoughtId() };
		expect(parsePostCursor(formatPostCursor(cursor))).toEqual(cursor);
	});

	it.each(['', '12', '12-', '-t' + 'a'.repeat(22), '1-r' + 'a'.repeat(22), '1-t' + 'a'.repeat(23)])(
		'rejects %j',
		(raw) => {
			expect(parsePostCursor(raw)).toBeNull();
		}
	);

	it('rejects more than 16 digits of time', () => {
		expect(parsePostCursor(`${'9'.repeat(17)}-t${'a'.repeat(22)}`)).toBeNull();
	});
});

describe('doc names', () => {
	const user = 'alice_1' as UserId;
	it('round-trip', () => {
		expect(parseDocName(rootDocName(user))).toEqual({ kind: 'root', userId: user });
		expect(parseDocName(shardDocName(user, 12))).toEqual({
			kind: 'shard',
			userId: user,
			shard: 12
		});
	});

	it.each([
		'u/alice/../bob/root',
		'u/alice%2Fbob/root',
		'u/Alice/root',
		'u//root',
		'u/alice/shard/01',
		'u/alice/shard/-1',
		'u/alice/shard/1e3',
		'u/alice/shard/99999999',
		'u/alice/root/extra',
		'x/alice/root',
		`u/${'a'.repeat(65)}/root`,
		'u/alice/shard/'
	])('rejects %s', (name) => {
		expect(parseDocName(name)).toBeNull();
		expect(isShardOutOfRange(name)).toBe(false);
	});

	it('serves shards up to MAX_SHARD and names the ones past it as out of range', () => {
		expect(parseDocName(shardDocName(user, MAX_SHARD))?.kind).toBe('shard');
		expect(isShardOutOfRange(shardDocName(user, MAX_SHARD))).toBe(false);
		expect(parseDocName(shardDocName(user, MAX_SHARD + 1))).toBeNull();
		expect(isShardOutOfRange(shardDocName(user, MAX_SHARD + 1))).toBe(true);
		expect(isShardOutOfRange(rootDocName(user))).toBe(false);
	});
});
