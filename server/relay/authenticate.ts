import type { Extension, onAuthenticatePayload, onDisconnectPayload } from '@hocuspocus/server';
import { isShardOutOfRange, parseDocName } from '../../sync/doc-names';
import { CLOSE } from '../../sync/protocol/close-codes';
import { PROTOCOL_PARAM, parseProtocolVersion, protocolVerdict } from '../../sync/protocol/version';
import type { Metrics } from '../metrics';
import type { AuthService } from '../services/auth.service';
import { RelayError, guarded } from './guarded';
import type { OpenDocuments } from './open-documents';

type Close = { code: number; reason: string };

/** What the upgrade handler learned about the socket, shared by every document on it. */
export interface SocketContext {
	userId: string;
	sessionId: string;
	socket: {
		/** Documents this socket has authenticated; messages for any other count as pre-auth. */
		authenticated: Set<string>;
		/** Documents open on this socket now (the open-documents budget). */
		open: Set<string>;
		/** Closes the whole socket: the only close code a provider reports to its app. */
		close(close: Close): void;
	};
}

/**
 * Owner-only documents: a document is opened only with a live relay token of the socket's own
 * session, and only if its name parses to that user's id. Refusing here (not in onLoadDocument)
 * avoids Hocuspocus 3.4 leaking a half-loaded document. A shard past MAX_SHARD, or a document
 * over the socket's or the user's open-documents budget, closes the socket with its own code.
 */
export function authenticate(
	auth: AuthService,
	openDocuments: OpenDocuments,
	metrics: Metrics
): Extension {
	const refuse = (socket: SocketContext, reason: string, close: Close): RelayError => {
		metrics.rejectedMessages.inc({ reason });
		socket.socket.close(close);
		return new RelayError(close.code, close.reason);
	};
	return {
		onAuthenticate: guarded(
			'onAuthenticate',
			({ token, documentName, context }: onAuthenticatePayload) => {
				const socket = context as SocketContext;
				const claims = auth.verifyRelayToken(token);
				if (isShardOutOfRange(documentName)) {
					throw refuse(socket, 'shard out of range', CLOSE.shardOutOfRange);
				}
				const name = parseDocName(documentName);
				if (
					!claims ||
					!name ||
					claims.sessionId !== socket.sessionId ||
					name.userId !== socket.userId
				) {
					metrics.authFailures.inc({ where: 'document' });
					throw new RelayError(CLOSE.forbidden.code, CLOSE.forbidden.reason);
				}
				const over = openDocuments.open(socket.userId, socket.socket.open, documentName);
				if (over) throw refuse(socket, `open documents per ${over}`, CLOSE.tooManyDocuments);
				socket.socket.authenticated.add(documentName);
				return { userId: socket.userId };
			},
			CLOSE.forbidden
		),

		onDisconnect: guarded(
			'onDisconnect',
			({ documentName, context }: onDisconnectPayload) => {
				const socket = context as SocketContext;
				openDocuments.close(socket.userId, socket.socket.open, documentName);
				// Reopened later, it counts against the pre-auth budget again until it authenticates.
				socket.socket.authenticated.delete(documentName);
			},
			CLOSE.badMessage
		)
	};
}

/**
 * The protocol handshake, checked once per socket before any document: the client names its
 * protocol version in the URL (`/sync?protocol=N`; none means a pre-handshake build, 1). Returns
 * the close to send when the relay cannot serve that version, or null.
 */
export function protocolRefusal(url: string | undefined): { code: number; reason: string } | null {
	const param = new URL(url ?? '/', 'http://relay').searchParams.get(PROTOCOL_PARAM);
	const version = parseProtocolVersion(param);
	if (version === null) return CLOSE.badMessage;
	const verdict = protocolVerdict(version);
	if (verdict === 'client-too-old') return CLOSE.clientTooOld;
	if (verdict === 'server-too-old') return CLOSE.serverTooOld;
	return null;
}
