import type { IncomingMessage } from 'node:http';

/**
 * Browsers send Origin on every cross-site POST/DELETE and on WebSocket upgrades. A request that
 * carries one must come from this server's own origin; clients without one (CLI, tests) are not
 * browsers and cannot be tricked into sending a cookie.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
	const origin = req.headers.origin;
	if (origin === undefined) return req.headers['sec-fetch-site'] !== 'cross-site';
	const host = req.headers.host;
	if (!host) return false;
	try {
		return new URL(origin).host === host;
	} catch {
		return false;
	}
}

/** The client's address for rate limits (loopback proxies may set X-Forwarded-For). */
export function clientAddress(req: IncomingMessage): string {
	return req.socket.remoteAddress ?? 'unknown';
}
