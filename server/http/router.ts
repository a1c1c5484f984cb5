import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendError } from './json';

export interface RouteContext {
	req: IncomingMessage;
	res: ServerResponse;
	/** Captured path segments of the route's pattern. */
	params: string[];
}

export interface Route {
	method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	path: RegExp;
	handle(context: RouteContext): Promise<void> | void;
}

/** A path segment with a broken percent-escape names nothing that exists. */
function decodeParam(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		throw new HttpError(404, 'not_found', 'Nothing lives at this address.');
	}
}

/**
 * Matches a request against the routes. Returns false when no route's path matches, so the
 * caller can pass the request on (to SvelteKit). Errors become typed JSON responses; anything
 * unexpected is a 500 without details.
 */
export async function route(
	routes: readonly Route[],
	req: IncomingMessage,
	res: ServerResponse
): Promise<boolean> {
	const path = (req.url ?? '/').split('?')[0];
	const matching = routes.filter((r) => r.path.test(path));
	if (matching.length === 0) return false;
	try {
		const found = matching.find((r) => r.method === req.method);
		if (!found)
			throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed here.`);
		const params = found.path.exec(path)!.slice(1).map(decodeParam);
		await found.handle({ req, res, params });
	} catch (error) {
		if (error instanceof HttpError) sendError(res, error);
		else {
			console.error('Unhandled API error', error);
			sendError(res, new HttpError(500, 'internal', 'Something went wrong on our side.'));
		}
	}
	return true;
}
