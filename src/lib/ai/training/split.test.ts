import { describe, expect, it } from 'vitest';
import { newThoughtId } from '$sync/ids';
import { seededRandom } from '../../../../tests/fixtures/seeded-random';
import { HELD_OUT_SHARE, idHash, isHeldOut } from './split';

function thoughtIds(count: number, seed: number): string[] {
	const random = seededRandom(seed);
	const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
	// Ids as devices mint them: a shared time prefix, then random characters.
	return Array.from({ length: count }, (_, i) =>
		newThoughtId(Date.UTC(2026, 0, 1) + i * 1000, bytes)
	);
}

describe('isHeldOut', () => {
	it('puts the same ids in the same split on every device and in every release', () => {
		// Pinned: changing the hash would move thoughts between splits and void recorded metrics.
		expect(['e001', 'e002', 'e003', 'e004', 'e009'].map(idHash)).toEqual([
			1760591511, 1283546074, 2271611130, 445225105, 728131887
		]);
		expect(['e001', 'e002', 'e003', 'e004', 'e009'].map(isHeldOut)).toEqual([
			false,
			false,
			false,
			true,
			true
		]);
	});

	it('holds out about a fifth of minted thought ids', () => {
		const ids = thoughtIds(20_000, 3);
		const share = ids.filter(isHeldOut).length / ids.length;
		expect(share).toBeGreaterThan(HELD_OUT_SHARE - 0.01);
		expect(share).toBeLessThan(HELD_OUT_SHARE + 0.01);
	});

	it('holds out about a fifth of short sequential ids too (their low bits differ least)', () => {
		const ids = Array.from({ length: 10_000 }, (_, i) => `e${String(i).padStart(4, '0')}`);
		const share = ids.filter(isHeldOut).length / ids.length;
		expect(Math.abs(share - HELD_OUT_SHARE)).toBeLessThan(0.015);
	});

	it('depends on the id alone: a grown library keeps every earlier thought in its split', () => {
		const ids = thoughtIds(2_000, 5);
		const before = new Map(ids.slice(0, 500).map((id) => [id, isHeldOut(id)]));
		const after = new Map([...ids].reverse().map((id) => [id, isHeldOut(id)]));
		for (const [id, held] of before) expect(after.get(id)).toBe(held);
	});
});
