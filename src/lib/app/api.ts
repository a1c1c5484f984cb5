import type { ApiError, ErrorCode } from '$sync/protocol/api';

/** A failed API call, with the server's typed code (or `network` when it was unreachable). */
export class ApiRequestError extends Error {
	constructor(
		readonly code: ErrorCode | 'network',
		message: string,
		readonly status: number,
		/** What the error carried besides code and message (e.g. `quota` on quota_exceeded). */
		readonly details: Record<string, unknown> = {}
	) {
		super(message);
	}
}

/** JSON in, JSON out, errors as ApiRequestError. Cookies ride along (same origin). */
export async function api<T>(
	path: string,
	init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}
): Promise<T> {
	let res: Response;
	try {
		res = await fetch(path, {
			method: init.method ?? 'GET',
			headers: {
				...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
				...init.headers
			},
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
			credentials: 'same-origin'
		});
	} catch {
		throw new ApiRequestError('network', 'The server cannot be reached. Are you offline?', 0);
	}
	if (res.status === 204) return undefined as T;
	const body: unknown = await res.json().catch(() => null);
	if (!res.ok) {
		const { code, message, ...details } = (body as ApiError | null)?.error ?? {};
		throw new ApiRequestError(
			code ?? 'internal',
			message ?? `HTTP ${res.status}`,
			res.status,
			details
		);
	}
	return body as T;
}
