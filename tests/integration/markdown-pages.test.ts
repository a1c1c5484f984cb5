import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addThought } from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type ThoughtId, type UserId } from '../../sync/ids';
import { renderMarkdown } from '../../sync/markdown/render';
import { POSTS_PER_PAGE } from '../../server/http/public.routes';
import {
	MARKDOWN_FIXTURE,
	XSS_CORPUS,
	installDomParser,
	parseBody,
	parseDocument,
	rssDescriptions,
	unsafeMarkup,
	unsafePage
} from '../fixtures/markdown';
import {
	connectClient,
	register,
	settled,
	startTestServer,
	type Client,
	type TestServer
} from './harness';

/**
 * Markdown on the server's public surfaces, through a real server: `/@handle`,
 * `/@handle/<id>` and RSS show the shared fixture exactly as the shared renderer renders it,
 * and every payload of the XSS corpus comes out inert on each. The corpus is spread over
 * accounts of one page each, so the profile and the feed (one page long) hold all of it.
 */
let t: TestServer;
const devices: Client[] = [];

interface Author {
	handle: string;
	posts: { id: ThoughtId; text: string }[];
}
const authors: Author[] = [];

const get = async (path: string) => (await fetch(`${t.base}${path}`)).text();
const articles = (html: string) =>
	Array.from(parseDocument(html, 'text/html').querySelectorAll('article .markdown'));

async function publish(texts: readonly string[]): Promise<Author> {
	const account = await register(t.base);
	const device = connectClient(t, account);
	devices.push(device);
	const provider = device.open(shardDocName(account.userId as UserId, 0));
	await settled(provider);
	const base = Date.UTC(2026, 0, 1);
	const posts = texts.map((text, i) => {
		const id = newThoughtId(base + i * 1000);
		addThought(provider.document, id, {
			text,
			createdAt: base + i * 1000,
			visibility: 'public',
			pinned: false
		});
		return { id, text };
	});
	await settled(provider);
	return { handle: account.username, posts };
}

/** The relay publishes when it stores a shard, about 2 s after the last change. */
async function untilPublished(author: Author): Promise<void> {
	const deadline = Date.now() + 20_000;
	while (articles(await get(`/@${author.handle}`)).length < author.posts.length) {
		if (Date.now() > deadline) throw new Error(`@${author.handle} was never published`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

beforeAll(async () => {
	await installDomParser();
	t = await startTestServer();
	const chunks = [[MARKDOWN_FIXTURE]];
	for (let i = 0; i < XSS_CORPUS.length; i += POSTS_PER_PAGE)
		chunks.push(XSS_CORPUS.slice(i, i + POSTS_PER_PAGE));
	authors.push(...(await Promise.all(chunks.map(publish))));
	await Promise.all(authors.map(untilPublished));
}, 60_000);
afterAll(async () => {
	for (const device of devices) device.destroy();
	await t?.stop();
});

describe('Markdown on the public pages of a real server', () => {
	it('renders the fixture the same on the profile, the post page and in RSS', async () => {
		const expected = parseBody(renderMarkdown(MARKDOWN_FIXTURE)).innerHTML;
		const [{ handle, posts }] = authors;
		const [profile] = articles(await get(`/@${handle}`));
		expect(profile.innerHTML).toBe(expected);
		const postHtml = await get(`/@${handle}/${posts[0].id}`);
		const [post] = articles(postHtml);
		expect(post.innerHTML).toBe(expected);
		expect(post.querySelector('strong')?.textContent).toBe('Bob');
		expect(post.querySelector('a')?.getAttribute('rel')).toBe('noopener noreferrer nofollow ugc');
		expect(parseDocument(postHtml, 'text/html').title).toMatch(
			/^Bob lent me Piranesi and Circe — /
		);
		const [description] = rssDescriptions(await get(`/@${handle}/rss.xml`));
		expect(parseBody(description).innerHTML).toBe(expected);
	});

	it('keeps the XSS corpus inert on every profile, post page and feed', async () => {
		let checked = 0;
		for (const { handle, posts } of authors.slice(1)) {
			const profileHtml = await get(`/@${handle}`);
			expect(unsafePage(parseDocument(profileHtml, 'text/html'))).toEqual([]);
			const shown = articles(profileHtml);
			expect(shown).toHaveLength(posts.length);
			for (const item of shown) expect(unsafeMarkup(item)).toEqual([]);

			const descriptions = rssDescriptions(await get(`/@${handle}/rss.xml`));
			expect(descriptions).toHaveLength(posts.length);
			for (const description of descriptions)
				expect(unsafeMarkup(parseBody(description))).toEqual([]);

			for (const { id, text } of posts) {
				const page = parseDocument(await get(`/@${handle}/${id}`), 'text/html');
				expect(unsafePage(page), text).toEqual([]);
				expect(unsafeMarkup(page.querySelector('article .markdown')!), text).toEqual([]);
				checked++;
			}
		}
		expect(checked).toBe(XSS_CORPUS.length);
	});
});
