/** WebSocket close codes the relay uses, with the reason sent alongside. */
export const CLOSE = {
	forbidden: { code: 4403, reason: 'forbidden' },
	sessionRevoked: { code: 4402, reason: 'session revoked' },
	authTimeout: { code: 4408, reason: 'authentication timeout' },
	badMessage: { code: 4400, reason: 'bad message' },
	tooMuch: { code: 4429, reason: 'too many messages' },
	shuttingDown: { code: 1001, reason: 'server shutting down' }
} as const;

/** The WebSocket path of the relay; also excluded from the service worker's navigation route. */
export const SYNC_PATH = '/sync';
