import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Scored } from '$lib/ai/rank-fusion';
import type { SemanticIndex } from '$lib/ai/semantic-index.svelte';
import { Replica } from '$lib/replica/replica';
import type { ThoughtId, UserId } from '$sync/ids';
import { Search } from './search.svelte';
import { RESULTS } from './search-ranking';

/** The parts of SemanticIndex that search uses; each query's vector comes when the test says. */
class HeldMeaning {
	isAvailable = true;
	size = 1;
	hits: Scored<ThoughtId>[] = [];
	held: (() => void)[] = [];

	embedText(): Promise<Float32Array> {
		return new Promise((resolve) => this.held.push(() => resolve(Float32Array.of(1))));
	}

	nearest(): Scored<ThoughtId>[] {
		return this.hits;
	}

	onUpdated(): () => void {
		return () => {};
	}
}

let replica: Replica | undefined;
afterEach(async () => {
	await replica?.close();
	replica = undefined;
});

async function openWith(name: string, texts: string[]): Promise<ThoughtId[]> {
	replica = await Replica.open(name as UserId);
	const ids: ThoughtId[] = [];
	for (const [i, text] of texts.entries())
		ids.push(await replica.capture(text, { createdAt: i + 1 }));
	await replica.flush();
	return ids;
}

describe('Search', () => {
	it('says nothing about matches until the query is answered', async () => {
		const [kitten] = await openWith('search-flash', [
			'The kitten hid under the sofa',
			'Tax return'
		]);
		const meaning = new HeldMeaning();
		meaning.hits = [{ id: kitten, score: 0.6 }];
		const search = new Search(replica!, () => meaning as unknown as SemanticIndex);
		await search.buildIndex();

		search.setQuery('cat');
		expect(search.isSearching).toBe(true);
		await vi.waitFor(() => expect(meaning.held).toHaveLength(1));
		expect(search.isSearching).toBe(true);
		meaning.held[0]();
		await vi.waitFor(() => expect(search.isSearching).toBe(false));
		expect(search.results.map((row) => row.id)).toEqual([kitten]);
	});

	it('shows word matches without waiting for a model that is still loading', async () => {
		const [budget] = await openWith('search-late', ['Monthly budget review', 'Garden']);
		const meaning = new HeldMeaning();
		const search = new Search(replica!, () => meaning as unknown as SemanticIndex);
		await search.buildIndex();

		search.setQuery('bugdet');
		await vi.waitFor(() => expect(search.results.map((row) => row.id)).toEqual([budget]));
		expect(search.isSearching).toBe(true);
		meaning.held[0]();
		await vi.waitFor(() => expect(search.isSearching).toBe(false));
		expect(search.results.map((row) => row.id)).toEqual([budget]);
	});

	it('shows more past the first page, keeping the first in place', async () => {
		const count = RESULTS * 2 + 7;
		await openWith(
			'search-more',
			Array.from({ length: count }, (_, i) => `budget line ${i}`)
		);
		const search = new Search(replica!, () => null);
		await search.buildIndex();

		search.setQuery('budget');
		await vi.waitFor(() => expect(search.isSearching).toBe(false));
		const first = search.results.map((row) => row.id);
		expect(first).toHaveLength(RESULTS);
		expect(search.hasMore).toBe(true);

		search.showMore();
		await vi.waitFor(() => expect(search.results).toHaveLength(RESULTS * 2));
		expect(search.results.slice(0, RESULTS).map((row) => row.id)).toEqual(first);
		expect(search.hasMore).toBe(true);

		search.showMore();
		await vi.waitFor(() => expect(search.results).toHaveLength(count));
		expect(search.hasMore).toBe(false);
		expect(new Set(search.results.map((row) => row.id)).size).toBe(count);

		search.setQuery('budget line');
		await vi.waitFor(() => expect(search.results).toHaveLength(RESULTS));
	});

	it('answers by scanning before the index is built, then from the index', async () => {
		const [budget] = await openWith('search-scan', ['Monthly budget review', 'Garden']);
		const search = new Search(replica!, () => null);

		search.setQuery('budget');
		expect(search.isSearching).toBe(true);
		await vi.waitFor(() => expect(search.isSearching).toBe(false));
		expect(search.isReady).toBe(false);
		expect(search.results.map((row) => row.id)).toEqual([budget]);

		// The scan knows no typos; the index does, and answers the query typed meanwhile.
		search.setQuery('bugdet');
		await vi.waitFor(() => expect(search.isSearching).toBe(false));
		expect(search.results).toEqual([]);
		await search.buildIndex();
		await vi.waitFor(() => expect(search.results.map((row) => row.id)).toEqual([budget]));
	});

	it('says "no matches" only once a query found nothing', async () => {
		await openWith('search-none', ['Garden']);
		const search = new Search(replica!, () => null);
		await search.buildIndex();
		search.setQuery('zebra');
		await vi.waitFor(() => expect(search.isSearching).toBe(false));
		expect(search.results).toEqual([]);
	});
});
