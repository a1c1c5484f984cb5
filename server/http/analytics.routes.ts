import type { IncomingMessage } from 'node:http';
import * as v from 'valibot';
import { AnalyticsQuerySchema } from '../../sync/protocol/analytics';
import type { AnalyticsService } from '../services/analytics.service';
import type { AuthService } from '../services/auth.service';
import { SESSION_COOKIE, readCookie } from './cookies';
import { HttpError, sendJson } from './json';
import { requireSession } from './route-guards';
import type { Route } from './router';

/** `GET /api/analytics?days=N`: the signed-in author's own numbers, and nobody else's. */
export function analyticsRoutes(auth: AuthService, analytics: AnalyticsService): Route[] {
	return [
		{
			method: 'GET',
			path: /^\/api\/analytics$/,
			handle({ req, res }) {
				const session = requireSession(auth, req);
				if (!analytics.allow(session.userId)) {
					throw new HttpError(429, 'rate_limited', 'Too many analytics requests. Wait a minute.');
				}
				const { days } = queryOf(req);
				sendJson(res, 200, analytics.report(session.userId, days));
			}
		}
	];
}

/**
 * What the public post page calls once it serves a post: counts the view unless the session
 * cookie shows the author reading their own post. The cookie is only compared, never kept.
 */
export function postViewCounter(auth: AuthService, analytics: AnalyticsService) {
	return (req: IncomingMessage, post: { id: string; userId: string }): void => {
		try {
			const viewer = auth.authenticate(readCookie(req, SESSION_COOKIE));
			analytics.recordView(post, viewer?.userId ?? null);
		} catch (error) {
			// A lost count is better than a reader without the page.
			console.error('Post view not counted', error);
		}
	};
}

function queryOf(req: IncomingMessage) {
	const params = new URL(req.url ?? '/', 'http://x').searchParams;
	const days = params.getAll('days');
	const parsed = v.safeParse(AnalyticsQuerySchema, {
		days: days.length === 0 ? undefined : days.length === 1 ? days[0] : days
	});
	if (!parsed.success) {
		const issue = parsed.issues[0];
		throw new HttpError(400, 'invalid_body', `${v.getDotPath(issue) ?? 'query'}: ${issue.message}`);
	}
	return parsed.output;
}
