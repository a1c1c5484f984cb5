import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PeoplePage } from '$sync/protocol/social';
import { PeopleSearch } from './people-search.svelte';

/** Stands in for the server: each request waits until the test answers it. */
function heldServer() {
	const requests: { url: URL; answer(page: PeoplePage | null): void }[] = [];
	vi.stubGlobal('fetch', (path: string) => {
		const url = new URL(path, 'http://app');
		return new Promise<Response>((resolve) =>
			requests.push({
				url,
				answer: (page) =>
					resolve(
						page
							? Response.json(page)
							: Response.json(
									{ error: { code: 'rate_limited', message: 'Too many requests.' } },
									{ status: 429 }
								)
					)
			})
		);
	});
	return requests;
}
const person = (handle: string) => ({ handle, displayName: '', hasAvatar: false });
const handles = (search: PeopleSearch) => search.people.map((p) => p.handle);

afterEach(() => vi.unstubAllGlobals());

describe('PeopleSearch', () => {
	it('refuses what no handle could start with, without asking the server', async () => {
		const requests = heldServer();
		const search = new PeopleSearch();
		await search.search('ana lima');
		expect(search.state).toBe('invalid');
		expect(search.problem).toMatch(/letters, digits and underscores/);
		expect(requests).toHaveLength(0);
	});

	it('asks for the handle as typed, without the @ and in lower case', async () => {
		const requests = heldServer();
		const search = new PeopleSearch();
		const done = search.search('  @Ana ');
		expect(search.state).toBe('searching');
		expect(requests[0].url.searchParams.get('q')).toBe('ana');
		requests[0].answer({ people: [person('ana')], next: null });
		await done;
		expect(search.state).toBe('done');
		expect(handles(search)).toEqual(['ana']);
	});

	it('shows the newest query’s answer even when an older one arrives last', async () => {
		const requests = heldServer();
		const search = new PeopleSearch();
		const older = search.search('a');
		const newer = search.search('an');
		requests[1].answer({ people: [person('ana')], next: null });
		await newer;
		requests[0].answer({ people: [person('abe'), person('ana')], next: null });
		await older;
		expect(search.query).toBe('an');
		expect(handles(search)).toEqual(['ana']);
	});

	it('pages on from the last handle and keeps what it had', async () => {
		const requests = heldServer();
		const search = new PeopleSearch();
		const first = search.search('an');
		requests[0].answer({ people: [person('ana'), person('anb')], next: 'anb' });
		await first;
		expect(search.hasMore).toBe(true);
		const more = search.more();
		expect(requests[1].url.searchParams.get('after')).toBe('anb');
		requests[1].answer({ people: [person('anc')], next: null });
		await more;
		expect(handles(search)).toEqual(['ana', 'anb', 'anc']);
		expect(search.hasMore).toBe(false);
	});

	it('says why a search failed and clears when the box is emptied', async () => {
		const requests = heldServer();
		const search = new PeopleSearch();
		const failed = search.search('ana');
		requests[0].answer(null);
		await failed;
		expect(search.state).toBe('failed');
		expect(search.problem).toBe('Too many requests.');
		await search.search('  ');
		expect(search.state).toBe('idle');
		expect(search.people).toEqual([]);
	});
});
