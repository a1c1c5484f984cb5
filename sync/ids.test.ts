import { describe, expect, it } from 'vitest';
import { isThoughtId, newThoughtId } from './ids';
import { parseDocName, rootDocName, shardDocName } from './doc-names';
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
	});
});
