// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
	MARKDOWN_FIXTURE,
	XSS_CORPUS,
	parseBody,
	parseDocument,
	rssDescriptions,
	unsafeMarkup,
	unsafePage
} from '../../../tests/fixtures/markdown';
import { renderMarkdown } from '../../../sync/markdown/render';
import type { Post } from '../../db/posts.repository';
import { postPage, profilePage, rssFeed, type Author } from './public-pages';

const ORIGIN = 'https://thoughts.example';
const author: Author = { handle: 'ana', displayName: 'Ana', bio: '', hasAvatar: false };
const post = (text: string, i = 0): Post => ({
	id: `post${i}`,
	userId: 'u1',
	visibility: 'public',
	text,
	createdAt: Date.UTC(2026, 0, 1) + i * 1000,
	publishedAt: Date.UTC(2026, 0, 1) + i * 1000,
	editedAt: null
});
const html = (page: string) => parseDocument(page, 'text/html');
/** The shared renderer's output as a browser serialises it: what every surface must show. */
const expected = parseBody(renderMarkdown(MARKDOWN_FIXTURE)).innerHTML;

describe('public pages render Markdown', () => {
	it('show the fixture as the shared renderer renders it, on the profile and the post page', () => {
		const pages = [
			html(postPage(author, post(MARKDOWN_FIXTURE), ORIGIN)),
			html(profilePage(author, [post(MARKDOWN_FIXTURE)], ORIGIN, null))
		];
		for (const page of pages) {
			const shown = page.querySelector('article .markdown')!;
			expect(shown.innerHTML).toBe(expected);
			expect(shown.querySelector('strong')?.textContent).toBe('Bob');
			expect(shown.querySelector('a')?.getAttribute('href')).toBe('https://example.com/piranesi');
			expect(shown.querySelector('input[type=checkbox]')?.hasAttribute('disabled')).toBe(true);
			expect(shown.querySelector('blockquote')).not.toBeNull();
		}
		expect(pages[0].title).toBe('Bob lent me Piranesi and Circe — Ana');
	});

	it('carry the rendered HTML, escaped, in RSS descriptions, and plain text in titles', () => {
		const feed = rssFeed(author, [post(MARKDOWN_FIXTURE)], ORIGIN);
		const [description] = rssDescriptions(feed);
		expect(parseBody(description).innerHTML).toBe(expected);
		expect(feed).toContain('<title>Bob lent me Piranesi and Circe</title>');
	});

	it('keep every payload of the XSS corpus inert on each page and in RSS', () => {
		const posts = XSS_CORPUS.map((payload, i) => post(payload, i));
		const profile = html(profilePage(author, posts, ORIGIN, null));
		expect(unsafePage(profile)).toEqual([]);
		const shown = Array.from(profile.querySelectorAll('article .markdown'));
		expect(shown).toHaveLength(posts.length);
		for (const item of shown) expect(unsafeMarkup(item)).toEqual([]);
		for (const one of posts) {
			const page = html(postPage(author, one, ORIGIN));
			expect(unsafePage(page), one.text).toEqual([]);
			expect(unsafeMarkup(page.querySelector('article .markdown')!), one.text).toEqual([]);
		}
		const descriptions = rssDescriptions(rssFeed(author, posts, ORIGIN));
		expect(descriptions).toHaveLength(posts.length);
		descriptions.forEach((description, i) => {
			expect(unsafeMarkup(parseBody(description)), posts[i].text).toEqual([]);
		});
	});
});
