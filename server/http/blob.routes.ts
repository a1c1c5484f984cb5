import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ErrorCode, SessionInfo } from '../../sync/protocol/api';
import type { BlobInfo } from '../../sync/protocol/blobs';
import { BlobError, type BlobErrorCode } from '../blobs/blob-error';
import type { AuthService } from '../services/auth.service';
import type { BlobService } from '../services/blob.service';
import type { RateLimiter } from '../services/rate-limiter';
import { HttpError, sendEmpty, sendJson } from './json';
import { requireSameOrigin, requireSession } from './route-guards';
import type { Route, RouteContext } from './router';

/** Only a sha256 names a blob: any other name is no endpoint (404). */
const BLOB = /^\/api\/blobs\/([0-9a-f]{64})$/;

const STATUS: Record<BlobErrorCode, [number, ErrorCode]> = {
	too_large: [413, 'payload_too_large'],
	quota_exceeded: [413, 'quota_exceeded'],
	hash_mismatch: [400, 'invalid_body'],
	incomplete: [400, 'invalid_body']
};

/** The owner-only blob store: thin translation between HTTP and the BlobService. */
export function blobRoutes(auth: AuthService, blobs: BlobService, perUser: RateLimiter): Route[] {
	/** Signed in and within the user's allowance. */
	const reader = ({ req }: RouteContext): SessionInfo => {
		const session = requireSession(auth, req);
		if (!perUser.take(session.userId)) {
			throw new HttpError(429, 'rate_limited', 'Too many blob requests. Wait a minute.', {
				'Retry-After': '60'
			});
		}
		return session;
	};
	/** A change: also only from the app's own pages. */
	const writer = (context: RouteContext): SessionInfo => {
		requireSameOrigin(context.req);
		return reader(context);
	};
	/** The reader's blob named in the path; 404 however many others hold the same bytes. */
	const owned = (context: RouteContext): { userId: string; blob: BlobInfo } => {
		const { userId } = reader(context);
		const blob = blobs.find(userId, context.params[0]);
		if (!blob) throw notFound();
		return { userId, blob };
	};

	return [
		{
			method: 'GET',
			path: /^\/api\/blobs$/,
			handle(context) {
				sendJson(context.res, 200, blobs.list(reader(context).userId));
			}
		},
		{
			method: 'PUT',
			path: BLOB,
			async handle(context) {
				const { userId } = writer(context);
				const { req, res, params } = context;
				const declared = req.headers['content-length'];
				const { isCreated, stored } = await blobs
					.put(userId, params[0], req, declared === undefined ? undefined : Number(declared))
					.catch((error: unknown) => {
						if (!(error instanceof BlobError)) throw error;
						const [status, code] = STATUS[error.code];
						throw new HttpError(status, code, error.message);
					});
				sendJson(res, isCreated ? 201 : 200, stored);
			}
		},
		{
			method: 'HEAD',
			path: BLOB,
			handle(context) {
				const { blob } = owned(context);
				if (!isCached(context, blob)) context.res.writeHead(200, bytesHeaders(blob));
				context.res.end();
			}
		},
		{
			method: 'GET',
			path: BLOB,
			async handle(context) {
				const { userId, blob } = owned(context);
				if (isCached(context, blob)) return void context.res.end();
				const found = await blobs.read(userId, blob.sha256);
				if (!found) throw notFound();
				context.res.writeHead(200, bytesHeaders(found.blob));
				await send(found.bytes, context.res);
			}
		},
		{
			method: 'DELETE',
			path: BLOB,
			async handle(context) {
				const { userId } = writer(context);
				if (!(await blobs.remove(userId, context.params[0]))) throw notFound();
				sendEmpty(context.res);
			}
		}
	];
}

/** The same answer whether the blob is someone else's or nobody's. */
function notFound(): HttpError {
	return new HttpError(404, 'not_found', 'You have no blob with this sha256.');
}

const etag = (blob: BlobInfo) => `"${blob.sha256}"`;

/** A blob never changes under its name: a matching ETag gets a 304 without a body. */
function isCached({ req, res }: RouteContext, blob: BlobInfo): boolean {
	const match = req.headers['if-none-match'];
	if (!match || !match.split(',').some((tag) => tag.trim() === etag(blob))) return false;
	res.writeHead(304, { ETag: etag(blob), 'Cache-Control': 'private, no-cache' });
	return true;
}

/** Bytes for the app to read, never a page: no sniffing, no rendering, no other site's use. */
function bytesHeaders(blob: BlobInfo): Record<string, string> {
	return {
		'Content-Type': 'application/octet-stream',
		'Content-Length': String(blob.size),
		'Content-Disposition': `attachment; filename="${blob.sha256}"`,
		'X-Content-Type-Options': 'nosniff',
		'Content-Security-Policy': "default-src 'none'; sandbox",
		'Cross-Origin-Resource-Policy': 'same-origin',
		'Cache-Control': 'private, no-cache',
		ETag: etag(blob)
	};
}

/**
 * Streams the file. Past the headers an error cannot become a JSON answer: pipeline has already
 * destroyed the socket, so the client sees a short body and discards it (its sha256 fails). A
 * client that went away is no error of ours; a read that failed is logged.
 */
async function send(bytes: Readable, res: ServerResponse): Promise<void> {
	await pipeline(bytes, res).catch((error: unknown) => {
		if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
		console.error('[blobs] download failed', error);
	});
}
