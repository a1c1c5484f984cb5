import { expect, it } from 'vitest';
import { TokenBuckets } from './update-budget';

it('spends a burst, refills at the rate, and keeps users apart', () => {
	let now = 0;
	const cpu = new TokenBuckets(100, 10, () => now);
	cpu.spend('mallory', 60);
	expect(cpu.has('mallory')).toBe(true);
	cpu.spend('mallory', 60);
	expect(cpu.has('mallory')).toBe(false);
	expect(cpu.has('alice')).toBe(true);
	now += 1000; // +10: back to -10
	expect(cpu.has('mallory')).toBe(false);
	now += 2000; // +20: 10 left
	expect(cpu.has('mallory')).toBe(true);
	now += 60_000; // refilled to the burst, not past it
	cpu.spend('mallory', 100);
	expect(cpu.has('mallory')).toBe(false);
});
