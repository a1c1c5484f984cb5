/**
 * Hocuspocus 3.4 exits the process when some hooks throw a non-Error (it reads `"code" in e`).
 * Every hook goes through this: whatever it throws becomes an Error with a close code.
 */
export function guarded<P, R>(
	name: string,
	hook: (payload: P) => Promise<R> | R,
	fallback: { code: number; reason: string }
): (payload: P) => Promise<R> {
	return async (payload) => {
		try {
			return await hook(payload);
		} catch (error) {
			throw toRelayError(error, name, fallback);
		}
	};
}

export class RelayError extends Error {
	constructor(
		readonly code: number,
		readonly reason: string
	) {
		super(reason);
	}
}

function toRelayError(error: unknown, name: string, fallback: { code: number; reason: string }) {
	if (error instanceof RelayError) return error;
	console.error(`[relay] ${name} failed`, error);
	return new RelayError(fallback.code, fallback.reason);
}
