import type { Extension, beforeHandleMessagePayload } from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { CLOSE } from '../../sync/protocol/close-codes';
import type { Metrics } from '../metrics';
import { RelayError, guarded } from './guarded';

/** Message types a client may send (Hocuspocus wire format: docName, type, payload). */
const SYNC = 0;
const AWARENESS = 1;
/** A provider that reconnects twice in quick succession sends its token again on an open document;
 * Hocuspocus hands that to onTokenSync, which this app leaves unset, so it changes nothing. */
const AUTH = 2;
const QUERY_AWARENESS = 3;
const SYNC_REPLY = 4;
const CLOSE_DOCUMENT = 7;
const ALLOWED = new Set([SYNC, AWARENESS, AUTH, QUERY_AWARENESS, SYNC_REPLY, CLOSE_DOCUMENT]);

const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;
const MAX_AWARENESS_BYTES = 8 * 1024;

/**
 * Checks every message before Hocuspocus applies it. Stateless broadcasts (the 3.4 opcode-6
 * bypass) and server-only types are refused; every document update must decode and apply
 * cleanly on its own first, because a malformed one can half-apply before it throws.
 */
export function messageGuard(metrics: Metrics): Extension {
	return {
		beforeHandleMessage: guarded(
			'beforeHandleMessage',
			({ update }: beforeHandleMessagePayload) => {
				const problem = inspect(update);
				if (problem) {
					metrics.rejectedMessages.inc({ reason: problem });
					throw new RelayError(CLOSE.badMessage.code, `${CLOSE.badMessage.reason}: ${problem}`);
				}
			},
			CLOSE.badMessage
		)
	};
}

/** The Yjs update a client message carries (sync step 2 or update), or null for any other. */
export function documentUpdateIn(message: Uint8Array): Uint8Array | null {
	const decoder = decoding.createDecoder(message);
	decoding.readVarString(decoder);
	const type = decoding.readVarUint(decoder);
	if (type !== SYNC && type !== SYNC_REPLY) return null;
	const step = decoding.readVarUint(decoder);
	if (step !== SYNC_STEP_2 && step !== SYNC_UPDATE) return null;
	return decoding.readVarUint8Array(decoder);
}

/** Returns why a message is refused, or null when it may be applied. */
export function inspect(message: Uint8Array): string | null {
	try {
		const decoder = decoding.createDecoder(message);
		decoding.readVarString(decoder);
		const type = decoding.readVarUint(decoder);
		if (!ALLOWED.has(type)) return `type ${type} not allowed`;
		if (type === AWARENESS) {
			return decoding.readVarUint8Array(decoder).byteLength > MAX_AWARENESS_BYTES
				? 'awareness too large'
				: null;
		}
		const update = documentUpdateIn(message);
		if (!update) return null;
		Y.decodeUpdate(update);
		// Some corrupt updates decode but throw half-way through applying, leaving the part
		// before the throw in the document. Applying to an empty doc first catches them cheaply.
		// A fixed guid skips the random UUID a new Doc makes (70 of its ~90 µs); gc is pointless
		// on a doc thrown away at once.
		const trial = new Y.Doc({ guid: 'trial-apply', gc: false });
		try {
			Y.applyUpdate(trial, update);
		} finally {
			trial.destroy();
		}
		return null;
	} catch {
		return 'malformed';
	}
}
