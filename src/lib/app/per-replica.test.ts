import { describe, expect, it } from 'vitest';
import type { Replica } from '$lib/replica/replica';
import { perReplica } from './per-replica';

const replica = () => ({}) as Replica;

describe('perReplica', () => {
	it('makes one instance per replica, with the first caller’s arguments', () => {
		let made = 0;
		const labelFor = perReplica((_replica, label: string) => ({ label, n: ++made }));
		const [a, b] = [replica(), replica()];
		const first = labelFor(a, 'first');
		expect(labelFor(a, 'second')).toBe(first);
		expect(first).toEqual({ label: 'first', n: 1 });
		expect(labelFor(b, 'other')).toEqual({ label: 'other', n: 2 });
	});
});
