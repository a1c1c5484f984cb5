import type { IncomingMessage } from 'node:http';
import { isSecureRequest } from './cookies';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

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
	if (url.host !== host) return false;
	// http://host is another origin than https://host: a page served over plain http (a
	// downgraded or spoofed one) must not act on the https session. A proxy that terminates TLS
	// and forwards the client's address but not the scheme leaves it unknown: the host decides.
	const scheme = requestScheme(req);
	return scheme === null || url.protocol === scheme;
}

/** The scheme the request came over: null behind a loopback proxy that does not say it. */
function requestScheme(req: IncomingMessage): string | null {
	if (isSecureRequest(req)) return 'https:';
	if (req.headers['x-forwarded-proto'] === 'http') return 'http:';
	const isProxied =
		LOOPBACK.has(req.socket.remoteAddress ?? '') && !!req.headers['x-forwarded-for'];
	return isProxied ? null : 'http:';
}

/**
 * The client's address for rate limits. Behind a reverse proxy on this machine every socket comes
 * from loopback: then the address the proxy saw (the last X-Forwarded-For entry, the one it
 * appended) is the client's. From anywhere else the header is the client's own word and ignored.
 */
export function clientAddress(req: IncomingMessage): string {
	const peer = req.socket.remoteAddress ?? 'unknown';
	const forwarded = req.headers['x-forwarded-for'];
	if (!LOOPBACK.has(peer) || typeof forwarded !== 'string') return peer;
	return forwarded.split(',').at(-1)?.trim() || peer;
}
