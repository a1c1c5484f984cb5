import type { Connection } from '@hocuspocus/server';
import { CLOSE } from '../../sync/protocol/close-codes';
import { StorageError } from './document-store';

type Close = { code: number; reason: string };

/**
 * Hocuspocus 3.4 exits the process when some hooks throw a non-Error (it reads `"code" in e`).
 * Every hook goes through this: whatever it throws becomes an Error with a close code.
 */
export function guarded<P, R>(
	name: string,
	hook: (payload: P) => Promise<R> | R,
	fallback: Close
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

/** The close for a storage failure: the reason names the StorageError code. */
export function storageClose(error: StorageError): Close {
	return { code: CLOSE.storageFailed.code, reason: `${CLOSE.storageFailed.reason}: ${error.code}` };
}

/**
 * Closes the whole socket, not only one document. Hocuspocus closes a refused document with a
 * message whose code the provider drops (it reports 1000); a socket close is the only code a
 * client can read and act on (reconnect later, or stop and ask for an update).
 */
export function closeSocket(connection: Connection, close: Close): RelayError {
	connection.webSocket.close(close.code, close.reason);
	return new RelayError(close.code, close.reason);
}

function toRelayError(error: unknown, name: string, fallback: Close) {
	if (error instanceof RelayError) return error;
	console.error(`[relay] ${name} failed`, error);
	if (error instanceof StorageError) {
		const close = storageClose(error);
		return new RelayError(close.code, close.reason);
	}
	return new RelayError(fallback.code, fallback.reason);
}
