import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError, ErrorCode } from '../../sync/protocol/api';

/** An error that maps to an HTTP status and a stable, typed code. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: ErrorCode,
		message: string,
		/** Extra response headers, e.g. Retry-After on a 429 or 503. */
		readonly headers: Record<string, string> = {},
		/** More for the client to act on, beside code and message (e.g. which quota). */
		readonly details?: Record<string, unknown>
	) {
		super(message);
	}
}

export const MAX_BODY_BYTES = 16 * 1024;

/** Reads a JSON body with a size cap; anything else is a 4xx, never a crash. */
export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
	const type = req.headers['content-type'] ?? '';
	if (!/^application\/json\b/i.test(type)) {
		throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json.');
	}
	try {
		return JSON.parse((await readBytes(req, limit)).toString('utf8'));
	} catch (error) {
		if (error instanceof HttpError) throw error;
		throw new HttpError(400, 'invalid_body', 'The body is not valid JSON.');
	}
}

/** Reads a raw body with a size cap, refusing early when the declared length is over it. */
export async function readBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
	const declared = Number(req.headers['content-length'] ?? 0);
	if (declared > limit) throw new HttpError(413, 'payload_too_large', 'The body is too large.');
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > limit) throw new HttpError(413, 'payload_too_large', 'The body is too large.');
		chunks.push(chunk);
	}
	return Buffer.concat(chunks);
}

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string | string[]> = {}
): void {
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Cache-Control': 'no-store',
		...headers
	});
	res.end(JSON.stringify(body));
}

export function sendError(res: ServerResponse, error: HttpError): void {
	const body: ApiError = { error: { code: error.code, message: error.message, ...error.details } };
	sendJson(res, error.status, body, error.headers);
}

export function sendEmpty(
	res: ServerResponse,
	headers: Record<string, string | string[]> = {}
): void {
	res.writeHead(204, { 'Cache-Control': 'no-store', ...headers });
	res.end();
}
