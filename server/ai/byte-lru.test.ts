import { describe, expect, it } from 'vitest';
import { ByteLru } from './byte-lru';

describe('ByteLru', () => {
	it('evicts the least recently used entries until the new one fits', () => {
		const evicted: string[] = [];
		const cache = new ByteLru<string>(10, (_, key) => evicted.push(key));
		cache.set('a', 'A', 4);
		cache.set('b', 'B', 4);
		expect(cache.get('a')).toBe('A'); // a is now more recent than b
		expect(cache.set('c', 'C', 4)).toBe(1);
		expect(evicted).toEqual(['b']);
		expect(cache.get('b')).toBeUndefined();
		expect(cache.bytes).toBe(8);
		expect(cache.set('d', 'D', 9)).toBe(2);
		expect(evicted).toEqual(['b', 'a', 'c']);
		expect([cache.size, cache.bytes]).toEqual([1, 9]);
	});

	it('keeps one entry larger than the budget, alone', () => {
		const cache = new ByteLru<string>(10);
		cache.set('a', 'A', 3);
		expect(cache.set('big', 'B', 25)).toBe(1);
		expect(cache.get('big')).toBe('B');
		expect([cache.size, cache.bytes]).toEqual([1, 25]);
		expect(cache.set('a', 'A', 3)).toBe(1);
		expect([cache.size, cache.bytes]).toEqual([1, 3]);
	});

	it('replacing a key frees its old size and deleting tells the owner', () => {
		const evicted: string[] = [];
		const cache = new ByteLru<string>(10, (value) => evicted.push(value));
		cache.set('a', 'old', 6);
		cache.set('a', 'new', 2);
		expect([cache.size, cache.bytes, cache.get('a')]).toEqual([1, 2, 'new']);
		expect(cache.delete('a')).toBe(true);
		expect(cache.delete('a')).toBe(false);
		expect(evicted).toEqual(['old', 'new']);
		expect(cache.bytes).toBe(0);
	});
});
