import type { IncomingMessage, ServerResponse } from 'node:http';

export type Handler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

const SECURITY_HEADERS: Record<string, string> = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'strict-origin-when-cross-origin',
	'X-Frame-Options': 'DENY',
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=()'
};

/**
 * The HTTP entry: our own endpoints first, then the SvelteKit handler (pages, assets, the
 * service worker). Later issues mount the API here.
 */
export function createApp(kitHandler: Handler): Handler {
	return (req, res) => {
		for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
		const path = (req.url ?? '/').split('?')[0];
		if (path === '/healthz') return sendJson(res, 200, { status: 'ok' });
		if (path === '/sw.js') res.setHeader('Cache-Control', 'no-cache');
		kitHandler(req, res, () => sendJson(res, 404, { error: 'not_found' }));
	};
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Cache-Control': 'no-store'
	});
	res.end(JSON.stringify(body));
}
