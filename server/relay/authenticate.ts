import type { Extension, onAuthenticatePayload } from '@hocuspocus/server';
import { parseDocName } from '../../sync/doc-names';
import { CLOSE } from '../../sync/protocol/close-codes';
import type { Metrics } from '../metrics';
import type { AuthService } from '../services/auth.service';
import { RelayError, guarded } from './guarded';

/** What the upgrade handler learned about the socket, shared by every document on it. */
export interface SocketContext {
	userId: string;
	sessionId: string;
	/** Documents this socket has authenticated; messages for any other count as pre-auth. */
	socket: { authenticated: Set<string> };
}

/**
 * Owner-only documents: a document is opened only with a live relay token of the socket's own
 * session, and only if its name parses to that user's id. Refusing here (not in onLoadDocument)
 * avoids Hocuspocus 3.4 leaking a half-loaded document.
 */
export function authenticate(auth: AuthService, metrics: Metrics): Extension {
	return {
		onAuthenticate: guarded(
			'onAuthenticate',
			({ token, documentName, context }: onAuthenticatePayload) => {
				const socket = context as SocketContext;
				const claims = auth.verifyRelayToken(token);
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
				socket.socket.authenticated.add(documentName);
				return { userId: socket.userId };
			},
			CLOSE.forbidden
		)
	};
}
