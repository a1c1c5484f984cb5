import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** Raw Hocuspocus frames: varString document name, varUint type, payload. */
export function frame(
	name: Uint8Array | string,
	type: number,
	write: (e: encoding.Encoder) => void = () => {}
) {
	const encoder = encoding.createEncoder();
	if (typeof name === 'string') encoding.writeVarString(encoder, name);
	else encoding.writeVarUint8Array(encoder, name);
	encoding.writeVarUint(encoder, type);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

export function authMessage(name: Uint8Array | string, token: string): Uint8Array {
	return frame(name, 2, (e) => {
		encoding.writeVarUint(e, 0);
		encoding.writeVarString(e, token);
	});
}

/** Sync (type 0) with a sub-type and a raw payload. */
export function syncMessage(name: string, step: number, payload: Uint8Array): Uint8Array {
	return frame(name, 0, (e) => {
		encoding.writeVarUint(e, step);
		encoding.writeVarUint8Array(e, payload);
	});
}

/** The name and type of a frame from the relay, or null if it does not parse. */
export function parseFrame(bytes: Uint8Array): { name: string; type: number } | null {
	try {
		const decoder = decoding.createDecoder(bytes);
		return { name: decoding.readVarString(decoder), type: decoding.readVarUint(decoder) };
	} catch {
		return null;
	}
}

export interface Reply {
	name: string;
	type: number;
	/** Auth (2): 0 token request, 1 permission denied, 2 authenticated. SyncStatus (8): 1 saved. */
	sub?: number;
	/** Close (7) reason, or the permission-denied reason. */
	reason?: string;
}

/** A frame from the relay with the detail the malformed-frame tests classify outcomes by. */
export function parseReply(bytes: Uint8Array): Reply | null {
	try {
		const decoder = decoding.createDecoder(bytes);
		const reply: Reply = {
			name: decoding.readVarString(decoder),
			type: decoding.readVarUint(decoder)
		};
		if (reply.type === 2 || reply.type === 8) reply.sub = decoding.readVarUint(decoder);
		if (reply.type === 7 || (reply.type === 2 && reply.sub === 1)) {
			reply.reason = decoding.readVarString(decoder);
		}
		return reply;
	} catch {
		return null;
	}
}
