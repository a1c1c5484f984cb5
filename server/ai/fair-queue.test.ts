import { describe, expect, it } from 'vitest';
import { FairQueue, type Ticket } from './fair-queue';

const bulk = (tenant: string, cost = 100, weight?: number): Ticket => ({
	tenant,
	cost,
	priority: 'bulk',
	weight
});

function serveAll<T>(queue: FairQueue<T>): T[] {
	const served: T[] = [];
	for (let item = queue.shift(); item !== undefined; item = queue.shift()) served.push(item);
	return served;
}

describe('FairQueue', () => {
	it('serves a tenant that floods the queue no more than its share', () => {
		const queue = new FairQueue<string>({ capacity: 1_000, quantum: 100 });
		for (let i = 0; i < 100; i++) queue.push(`a${i}`, bulk('a'));
		for (let i = 0; i < 10; i++) queue.push(`b${i}`, bulk('b'));
		const order = serveAll(queue);
		expect(order).toHaveLength(110);
		// Equal costs and weights: the two alternate while both have work.
		expect(order.slice(0, 20).filter((id) => id.startsWith('b'))).toHaveLength(10);
		// Each keeps its own order.
		expect(order.filter((id) => id.startsWith('a'))).toEqual(
			Array.from({ length: 100 }, (_, i) => `a${i}`)
		);
	});

	it('bounds how many jobs of a flood a newcomer waits behind', () => {
		const queue = new FairQueue<string>({ capacity: 1_000, quantum: 100 });
		for (let i = 0; i < 100; i++) queue.push(`a${i}`, bulk('a'));
		// A few of A's are served, then B arrives.
		const early = [queue.shift(), queue.shift(), queue.shift()];
		expect(early).toEqual(['a0', 'a1', 'a2']);
		queue.push('b0', bulk('b'));
		const rest = serveAll(queue);
		expect(rest.indexOf('b0')).toBeLessThanOrEqual(1);
	});

	it('shares by cost, not by job count', () => {
		const queue = new FairQueue<string>({ capacity: 1_000, quantum: 100 });
		// A's jobs cost 4 times B's: B gets about 4 jobs per one of A's.
		for (let i = 0; i < 20; i++) queue.push(`a${i}`, bulk('a', 400));
		for (let i = 0; i < 40; i++) queue.push(`b${i}`, bulk('b', 100));
		const order = serveAll(queue).slice(0, 25);
		const served = (tenant: string) => order.filter((id) => id.startsWith(tenant)).length;
		expect(served('b')).toBe(20);
		expect(served('a')).toBe(5);
	});

	it('gives a tenant of weight 2 twice the share', () => {
		const queue = new FairQueue<string>({ capacity: 1_000, quantum: 100 });
		for (let i = 0; i < 60; i++) queue.push(`a${i}`, bulk('a', 100, 2));
		for (let i = 0; i < 60; i++) queue.push(`b${i}`, bulk('b', 100, 1));
		const order = serveAll(queue).slice(0, 30);
		expect(order.filter((id) => id.startsWith('a'))).toHaveLength(20);
	});

	it('serves interactive work before bulk work, whoever queued it', () => {
		const queue = new FairQueue<string>({ capacity: 100, quantum: 100 });
		for (let i = 0; i < 5; i++) queue.push(`index${i}`, bulk('a'));
		queue.push('query', { tenant: 'b', cost: 5, priority: 'interactive' });
		queue.push('own-query', { tenant: 'a', cost: 5, priority: 'interactive' });
		expect(serveAll(queue).slice(0, 2).sort()).toEqual(['own-query', 'query']);
	});

	it('serves a job that costs more than a turn, after enough turns', () => {
		const queue = new FairQueue<string>({ capacity: 10, quantum: 100 });
		queue.push('huge', bulk('a', 1_000));
		queue.push('small', bulk('b', 50));
		expect(serveAll(queue)).toEqual(['small', 'huge']);
	});

	it("refuses a tenant's job past its share, while others still get in", () => {
		const queue = new FairQueue<string>({ capacity: 10, perTenant: 2, quantum: 100 });
		expect(
			['a', 'a', 'a', 'b'].map((tenant, i) => queue.push(`${tenant}${i}`, bulk(tenant)))
		).toEqual([true, true, false, true]);
		queue.shift();
		expect(queue.push('a4', bulk('a'))).toBe(true);
	});

	it('refuses a job when full, and hands back what waited on drain', () => {
		const queue = new FairQueue<string>({ capacity: 3, quantum: 100 });
		expect([1, 2, 3, 4].map((i) => queue.push(`j${i}`, bulk(i % 2 ? 'a' : 'b')))).toEqual([
			true,
			true,
			true,
			false
		]);
		expect(queue.waitingOf('a')).toBe(2);
		expect(queue.drain().sort()).toEqual(['j1', 'j2', 'j3']);
		expect(queue.size).toBe(0);
		expect(queue.shift()).toBeUndefined();
	});
});
