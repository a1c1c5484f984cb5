import { request } from 'node:http';
import { expect } from 'vitest';
import { ERROR_CODES } from '../../sync/protocol/api';

/** A request exactly as a fuzzer generated it: path, headers and body go out untouched. */
export interface RawRequest {
	method: string;
	path: string;
	headers?: Record<string, string | undefined>;
	body?: string | Uint8Array | null;
	/** Transfer-Encoding: chunked instead of Content-Length. */
	chunked?: boolean;
}

export interface RawAnswer {
	status: number;
	contentType: string;
	text: string;
}

/** node:http rather than fetch, which would normalise what the fuzzer means to send. */
export function sendRaw(port: number, raw: RawRequest): Promise<RawAnswer> {
	const { method, path, headers = {}, body = null, chunked } = raw;
	const framing =
		body === null
			? {}
			: chunked
				? { 'Transfer-Encoding': 'chunked' }
				: { 'Content-Length': String(Buffer.byteLength(body)) };
	const defined = Object.entries({ ...headers, ...framing }).filter(([, v]) => v !== undefined);
	return new Promise((resolve, reject) => {
		const req = request(
			{ host: '127.0.0.1', port, method, path, headers: Object.fromEntries(defined) },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('error', reject);
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						contentType: String(res.headers['content-type'] ?? ''),
						text: Buffer.concat(chunks).toString('utf8')
					})
				);
			}
		);
		req.on('error', reject);
		req.end(body ?? undefined);
	});
}

/** A stack frame: "at fn (/path/file.ts:1:2)" or "at node:internal/...". */
const STACK_FRAME = /\bat\s[^\n]*(?:\/|\\|node:)[^\n]*:\d+/;

const isApiError = (body: unknown) => {
	const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
	return (
		(ERROR_CODES as readonly unknown[]).includes(error?.code) && typeof error?.message === 'string'
	);
};

/**
 * No 5xx, no stack or path leaked, and JSON that is either the success shape or a typed error.
 * Only Node's own parser errors (400 without a body) come back without JSON.
 */
export function expectTypedAnswer(
	answer: RawAnswer,
	success: number,
	isSuccessShape: (body: unknown) => boolean
): void {
	expect(answer.status, answer.text).toBeLessThan(500);
	expect(answer.text).not.toMatch(STACK_FRAME);
	expect(answer.text).not.toContain(process.cwd());
	if (answer.text === '') return expect(answer.status).toBe(400);
	expect(answer.contentType).toMatch(/^application\/json/);
	const parsed: unknown = JSON.parse(answer.text);
	if (answer.status === success) expect(isSuccessShape(parsed), answer.text).toBe(true);
	else expect(isApiError(parsed), answer.text).toBe(true);
}
