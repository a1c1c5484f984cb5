import type { Post } from '../../db/posts.repository';
import { escapeMarkup as e, summary } from './markup';
import { renderMarkdown } from '../../../sync/markdown/render';
import { isoTime, isValidTime } from '../../../sync/time';

/**
 * Server-rendered public pages: profiles, posts and RSS. Plain HTML with no script, readable
 * without JavaScript and by link previews (OpenGraph). Post text is Markdown, rendered by the
 * shared renderer the app uses (safe by construction, task boxes disabled); titles and
 * previews take its plain text.
 */

export interface Author {
	handle: string;
	displayName: string;
	bio: string;
	hasAvatar: boolean;
}

const shownName = (author: Author) => author.displayName || `@${author.handle}`;
/** "Ana (@ana)", or just "@ana" without a display name. */
const fullName = (author: Author) =>
	author.displayName ? `${author.displayName} (@${author.handle})` : `@${author.handle}`;

interface PageParts {
	title: string;
	description: string;
	url: string;
	type: 'profile' | 'article';
	image?: string;
	body: string;
	rss?: string;
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1c1b1f;background:#fffbfe}
a{color:#5b3fa8}.posts{list-style:none;padding:0}.posts>li{border-bottom:1px solid #e7e0ec;padding:1rem 0}
.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:0 0 .25rem}small{color:#625b71}
.markdown{overflow-wrap:anywhere;margin:0 0 .25rem}.markdown>:first-child{margin-top:0}.markdown>:last-child{margin-bottom:.25rem}
.markdown :is(h3,h4,h5,h6){font-size:1rem}.markdown li.task{list-style:none;margin-left:-1.5rem}.markdown ul,.markdown ol{padding-left:1.5rem}
.markdown blockquote{margin:.5rem 0;padding:.1rem 0 .1rem .75rem;border-left:3px solid #5b3fa8;color:#625b71}
.markdown code{background:#f3edf7;padding:0 .2rem;border-radius:4px}.markdown pre{overflow-x:auto;background:#f3edf7;padding:.5rem;border-radius:6px}.markdown pre code{padding:0}
.markdown table{border-collapse:collapse;display:block;overflow-x:auto}.markdown :is(th,td){border:1px solid #e7e0ec;padding:.2rem .5rem}
@media (prefers-color-scheme:dark){body{color:#e6e1e5;background:#1c1b1f}a{color:#cfbcff}.posts>li,.markdown :is(th,td){border-color:#49454f}small{color:#cac4d0}
.markdown blockquote{border-color:#cfbcff;color:#cac4d0}.markdown :is(code,pre){background:#2b2930}}`;

function page(parts: PageParts): string {
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(parts.title)}</title>
<meta name="description" content="${e(parts.description)}">
<meta property="og:title" content="${e(parts.title)}">
<meta property="og:description" content="${e(parts.description)}">
<meta property="og:type" content="${parts.type}">
<meta property="og:url" content="${e(parts.url)}">
<meta property="og:site_name" content="Thoughts10x">
${parts.image ? `<meta property="og:image" content="${e(parts.image)}">\n` : ''}${parts.rss ? `<link rel="alternate" type="application/rss+xml" title="RSS" href="${e(parts.rss)}">\n` : ''}<style>${STYLE}</style>
</head>
<body>
${parts.body}
</body>
</html>
`;
}

/** A post's time, or nothing when the stored value is bad: a page never fails on a date. */
function timeTag(ms: number): string {
	const iso = isoTime(ms);
	return iso ? `<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')}</time>` : 'undated';
}

function postItem(author: Author, post: Post, origin: string): string {
	const href = `${origin}/@${author.handle}/${post.id}`;
	const edited = post.editedAt ? ' · <span>edited</span>' : '';
	return `<li><article>
<div class="markdown">${renderMarkdown(post.text)}</div>
<small><a href="${e(href)}">${timeTag(post.createdAt)}</a>${edited}</small>
</article></li>`;
}

export function profilePage(
	author: Author,
	posts: readonly Post[],
	origin: string,
	next: string | null
): string {
	const url = `${origin}/@${author.handle}`;
	const items = posts.map((post) => postItem(author, post, origin)).join('\n');
	const avatar = author.hasAvatar
		? `<img src="${e(url)}/avatar" alt="" width="64" height="64" style="border-radius:50%">`
		: '';
	return page({
		title: `${fullName(author)} on Thoughts10x`,
		description:
			author.bio ||
			(posts[0] ? summary(posts[0].text, 160) : `Public thoughts of @${author.handle}.`),
		url,
		type: 'profile',
		image: author.hasAvatar ? `${url}/avatar` : undefined,
		rss: `${url}/rss.xml`,
		body: `<header>${avatar}<h1>${e(shownName(author))}</h1><p>@${e(author.handle)}</p>
${author.bio ? `<p class="text">${e(author.bio)}</p>` : ''}
<p><a href="${e(origin)}/people/${e(author.handle)}">Follow in the app</a> · <a href="${e(url)}/rss.xml">RSS</a></p></header>
<main>
<h2 id="posts-heading">Posts</h2>
${posts.length > 0 ? `<ol class="posts" aria-label="Posts">\n${items}\n</ol>` : '<p>No public posts yet.</p>'}
${next ? `<nav aria-label="More posts"><a href="${e(next)}" rel="next">Older posts</a></nav>` : ''}
</main>`
	});
}

export function postPage(author: Author, post: Post, origin: string): string {
	const profile = `${origin}/@${author.handle}`;
	return page({
		title: `${summary(post.text) || 'A thought'} — ${shownName(author)}`,
		description: summary(post.text, 200),
		url: `${profile}/${post.id}`,
		type: 'article',
		rss: `${profile}/rss.xml`,
		body: `<header><p><a href="${e(profile)}">${e(shownName(author))}</a> @${e(author.handle)}</p></header>
<main>
<article>
<div class="markdown">${renderMarkdown(post.text)}</div>
<small>${timeTag(post.createdAt)}${post.editedAt ? ' · edited' : ''}</small>
</article>
</main>`
	});
}

export function notFoundPage(origin: string): string {
	return page({
		title: 'Not found — Thoughts10x',
		description: 'Nothing public lives at this address.',
		url: origin,
		type: 'article',
		body: '<main><h1>Not found</h1><p>Nothing public lives at this address.</p></main>'
	});
}

export function rssFeed(author: Author, posts: readonly Post[], origin: string): string {
	const profile = `${origin}/@${author.handle}`;
	const items = posts
		.map(
			(post) => `<item>
<title>${e(summary(post.text) || 'A thought')}</title>
<link>${e(`${profile}/${post.id}`)}</link>
<guid isPermaLink="true">${e(`${profile}/${post.id}`)}</guid>
${isValidTime(post.createdAt) ? `<pubDate>${new Date(post.createdAt).toUTCString()}</pubDate>\n` : ''}<description>${e(renderMarkdown(post.text))}</description>
</item>`
		)
		.join('\n');
	return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
<title>${e(fullName(author))} on Thoughts10x</title>
<link>${e(profile)}</link>
<description>Public thoughts of @${e(author.handle)}</description>
${items}
</channel>
</rss>
`;
}
