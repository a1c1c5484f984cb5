import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatPostCursor, ID_SOURCE, parsePostCursor, type PostCursor } from '../../sync/ids';
import type { Post, PostsRepository } from '../db/posts.repository';
import type { ProfilesRepository } from '../db/profiles.repository';
import type { RateLimiter } from '../services/rate-limiter';
import { notFoundPage, postPage, profilePage, rssFeed } from './pages/public-pages';
import { clientAddress } from './request-guard';
import type { SiteOrigin } from './site-origin';
import type { Route, RouteContext } from './router';

export const POSTS_PER_PAGE = 20;
const HANDLE = `(${ID_SOURCE.handle})`;
const POST = `(${ID_SOURCE.post})`;
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
	site: SiteOrigin,
	limiter: RateLimiter,
	/** Called as a post page is served, to count the view (analytics); must not throw. */
	onPostServed: (req: IncomingMessage, post: Post) => void = () => {}
): Route[] {
	const notFound = ({ res }: RouteContext) => sendPage(res, 404, notFoundPage(site.current));
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
				send(context.res, 200, 'application/rss+xml', rssFeed(found, list, site.current));
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
				const origin = site.current;
				const next =
					page.length > POSTS_PER_PAGE && last
						? `${origin}/@${found.handle}?before=${formatPostCursor(last)}`
						: null;
				sendPage(context.res, 200, profilePage(found, shown, origin, next));
			}
		},
		{
			method: 'GET',
			path: new RegExp(`^/@${HANDLE}/${POST}$`),
			handle(context) {
				const found = author(context);
				if (!found) return;
				const post = posts.find(found.id, context.params[1]);
				if (post?.visibility !== 'public') return notFound(context);
				onPostServed(context.req, post);
				sendPage(context.res, 200, postPage(found, post, site.current));
			}
		}
	];
}

/** undefined: the first page; null: a cursor that is not one of ours. */
function cursorOf({ req }: RouteContext): PostCursor | undefined | null {
	const raw = new URL(req.url ?? '/', 'http://x').searchParams.get('before');
	return raw === null ? undefined : parsePostCursor(raw);
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
