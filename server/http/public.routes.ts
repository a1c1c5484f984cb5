import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Post, PostCursor, PostsRepository } from '../db/posts.repository';
import type { ProfilesRepository } from '../db/profiles.repository';
import type { RateLimiter } from '../services/rate-limiter';
import { isSecureRequest } from './cookies';
import { notFoundPage, postPage, profilePage, rssFeed } from './pages/public-pages';
import { clientAddress } from './request-guard';
import type { Route, RouteContext } from './router';

export const POSTS_PER_PAGE = 20;
const HANDLE = '([a-z0-9_]{3,32})';
const CURSOR = /^(\d{1,16})-(t[0-9a-z]{22})$/;
const HOST = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;
/** No script may run on these pages; only their own inline style. */
const PAGE_CSP =
	"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Public, server-rendered pages: `/@handle` (profile with its public posts, paginated by cursor),
 * `/@handle/<post id>` and `/@handle/rss.xml`. Only public posts appear here; followers-only
 * posts need a signed-in follower and never reach these pages.
 */
export function publicRoutes(
	profiles: ProfilesRepository,
	posts: PostsRepository,
	limiter: RateLimiter,
	/** Called as a post page is served, to count the view (analytics); must not throw. */
	onPostServed: (req: IncomingMessage, post: Post) => void = () => {}
): Route[] {
	const author = (context: RouteContext) => {
		if (!limiter.take(clientAddress(context.req))) {
			send(context.res, 429, 'text/plain', 'Too many requests. Wait a minute and try again.');
			return null;
		}
		const profile = profiles.byHandle(context.params[0]);
		if (!profile) notFound(context);
		return profile ? { ...profile, id: profile.userId } : null;
	};

	return [
		{
			method: 'GET',
			path: new RegExp(`^/@${HANDLE}/rss\\.xml$`),
			handle(context) {
				const found = author(context);
				if (!found) return;
				const list = posts.byAuthor(found.id, { followers: false, limit: POSTS_PER_PAGE });
				send(context.res, 200, 'application/rss+xml', rssFeed(found, list, originOf(context)));
			}
		},
		{
			method: 'GET',
			path: new RegExp(`^/@${HANDLE}/?$`),
			handle(context) {
				const found = author(context);
				if (!found) return;
				const before = cursorOf(context);
				if (before === null) return notFound(context);
				const page = posts.byAuthor(found.id, {
					followers: false,
					before,
					limit: POSTS_PER_PAGE + 1
				});
				const shown = page.slice(0, POSTS_PER_PAGE);
				const last = shown.at(-1);
				const origin = originOf(context);
				const next =
					page.length > POSTS_PER_PAGE && last
						? `${origin}/@${found.handle}?before=${last.createdAt}-${last.id}`
						: null;
				sendPage(context.res, 200, profilePage(found, shown, origin, next));
			}
		},
		{
			method: 'GET',
			path: new RegExp(`^/@${HANDLE}/(t[0-9a-z]{22})$`),
			handle(context) {
				const found = author(context);
				if (!found) return;
				const post = posts.find(found.id, context.params[1]);
				if (post?.visibility !== 'public') return notFound(context);
				onPostServed(context.req, post);
				sendPage(context.res, 200, postPage(found, post, originOf(context)));
			}
		}
	];
}

/** undefined: the first page; null: a cursor that is not one of ours. */
function cursorOf({ req }: RouteContext): PostCursor | undefined | null {
	const raw = new URL(req.url ?? '/', 'http://x').searchParams.get('before');
	if (raw === null) return undefined;
	const match = CURSOR.exec(raw);
	return match ? { createdAt: Number(match[1]), id: match[2] } : null;
}

/** Absolute URLs for OpenGraph and RSS; a Host header that is not a host name is not echoed. */
function originOf({ req }: RouteContext): string {
	const host = req.headers.host ?? '';
	return `${isSecureRequest(req) ? 'https' : 'http'}://${HOST.test(host) ? host : 'localhost'}`;
}

function notFound(context: RouteContext): void {
	sendPage(context.res, 404, notFoundPage(originOf(context)));
}

function sendPage(res: ServerResponse, status: number, html: string): void {
	res.setHeader('Content-Security-Policy', PAGE_CSP);
	send(res, status, 'text/html', html);
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
	res.writeHead(status, {
		'Content-Type': `${type}; charset=utf-8`,
		// Unpublishing must show at once: caches revalidate every time.
		'Cache-Control': 'no-cache'
	});
	res.end(body);
}
