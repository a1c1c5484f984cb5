import type { IncomingMessage } from 'node:http';
import { isSecureRequest } from './cookies';

/**
 * Browsers send Origin on every cross-site POST/DELETE and on WebSocket upgrades. A request that
 * carries one must come from this server's own origin; clients without one (CLI, tests) are not
 * browsers and cannot be tricked into sending a cookie.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
	const origin = req.headers.origin;
	if (origin === undefined) return req.headers['sec-fetch-site'] !== 'cross-site';
	const host = req.headers.host;
	if (!host || !URL.canParse(origin)) return false;
	const url = new URL(origin);
	// http://host is another origin than https://host: a page served over plain http (a
	// downgraded or spoofed one) must not act on the https session.
	return url.host === host && url.protocol === (isSecureRequest(req) ? 'https:' : 'http:');
}

/** The client's address for rate limits (loopback proxies may set X-Forwarded-For). */
export function clientAddress(req: IncomingMessage): string {
	return req.socket.remoteAddress ?? 'unknown';
}
