import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from '../metrics';
import { HttpError, sendError, sendJson } from './json';
import { route, type Route } from './router';

export type Handler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

const SECURITY_HEADERS: Record<string, string> = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'strict-origin-when-cross-origin',
	'X-Frame-Options': 'DENY',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=()'
};

/** The HTTP entry: health and metrics, the API, then SvelteKit (pages, assets, worker). */
export function createApp(
	kitHandler: Handler,
	routes: readonly Route[],
	metrics: Metrics,
	metricsToken: string | null
): Handler {
	return (req, res) => {
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
		const path = (req.url ?? '/').split('?')[0];
		if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
		if (path === '/metrics') return serveMetrics(req, res, metrics, metricsToken);
		void route(routes, req, res).then((handled) => {
			if (handled) return;
			if (path.startsWith('/api/')) {
				return sendError(res, new HttpError(404, 'not_found', 'No such endpoint.'));
			}
			if (path === '/sw.js') res.setHeader('Cache-Control', 'no-cache');
			kitHandler(req, res, () => sendJson(res, 404, { error: 'not_found' }));
		});
	};
}

/** Prometheus text for a scraper holding the token; off unless METRICS_TOKEN is set. */
function serveMetrics(
	req: IncomingMessage,
	res: ServerResponse,
	metrics: Metrics,
	token: string | null
): void {
	if (!token) {
		return sendError(res, new HttpError(404, 'not_found', 'Set METRICS_TOKEN to serve /metrics.'));
	}
	if (!isBearer(req.headers.authorization, token)) {
		return sendError(
			res,
			new HttpError(401, 'unauthenticated', 'A metrics token is needed.', {
				'WWW-Authenticate': 'Bearer'
			})
		);
	}
	void metrics.registry.metrics().then((text) => {
		res.writeHead(200, {
			'Content-Type': metrics.registry.contentType,
			'Cache-Control': 'no-store'
		});
		res.end(text);
	});
}

function isBearer(header: string | undefined, token: string): boolean {
	const given = Buffer.from(header ?? '');
	const expected = Buffer.from(`Bearer ${token}`);
	return given.length === expected.length && timingSafeEqual(given, expected);
}
