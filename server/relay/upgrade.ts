import type { Hocuspocus } from '@hocuspocus/server';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import * as decoding from 'lib0/decoding';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE, SYNC_PATH } from '../../sync/protocol/close-codes';
import { SESSION_COOKIE, readCookie } from '../http/cookies';
import { clientAddress, isSameOrigin } from '../http/request-guard';
import type { Metrics } from '../metrics';
import type { AuthService } from '../services/auth.service';
import { protocolRefusal, type SocketContext } from './authenticate';
import {
	DEFAULT_OPEN_DOCUMENT_LIMITS,
	type OpenDocumentLimits,
	type OpenDocuments
} from './open-documents';
import { DEFAULT_STORAGE_QUOTA_BYTES } from './storage-quota';
import { GROUP_COMMIT_WINDOW_MS } from './update-log';

export interface RelayLimits extends OpenDocumentLimits {
	/** ws maxPayload: a larger frame closes the socket with 1009. */
	maxMessageBytes: number;
	/** Open sockets per client address. */
	maxSocketsPerAddress: number;
	/** A socket must authenticate a document within this time. */
	authTimeoutMs: number;
	/**
	 * Bytes and messages a socket may have sent for documents not yet authenticated (Hocuspocus
	 * queues them); a document's own count is given back once it authenticates.
	 */
	preAuthBytes: number;
	preAuthMessages: number;
	/** Sustained messages per second per socket (bursts of twice that are allowed). */
	messagesPerSecond: number;
	/** How long the update log gathers appends into one commit (see update-log.ts). */
	groupCommitWindowMs: number;
	/** Bytes one user's documents may hold on the server (storage-quota.ts). */
	storageQuotaBytes: number;
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
	maxMessageBytes: 2 * 1024 * 1024,
	maxSocketsPerAddress: 64,
	authTimeoutMs: 5000,
	preAuthBytes: 256 * 1024,
	preAuthMessages: 200,
	messagesPerSecond: 500,
	groupCommitWindowMs: GROUP_COMMIT_WINDOW_MS,
	storageQuotaBytes: DEFAULT_STORAGE_QUOTA_BYTES,
	...DEFAULT_OPEN_DOCUMENT_LIMITS
};

/**
 * Authenticates WebSocket upgrades on /sync before Hocuspocus sees them (3.4 has no pre-auth
 * limits of its own): same-origin, a live session cookie, a per-address socket cap, then
 * per-socket budgets. Sockets are tracked per session so a revoked device is cut off at once.
 */
export class UpgradeHandler {
	readonly #wss: WebSocketServer;
	readonly #bySession = new Map<string, Set<WebSocket>>();
	readonly #byAddress = new Map<string, number>();
	#isClosing = false;

	constructor(
		private readonly hocuspocus: Hocuspocus,
		private readonly auth: AuthService,
		private readonly openDocuments: OpenDocuments,
		private readonly metrics: Metrics,
		private readonly limits: RelayLimits
	) {
		this.#wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes });
		auth.onRevoke((sessionId) => this.closeSession(sessionId, CLOSE.sessionRevoked));
	}

	handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		socket.on('error', () => socket.destroy());
		const path = (req.url ?? '').split('?')[0];
		if (path !== SYNC_PATH || this.#isClosing) return refuse(socket, 404, 'Not Found');
		if (!isSameOrigin(req)) return this.#refuseAuth(socket, 403, 'Forbidden', 'origin');
		const session = this.auth.authenticate(readCookie(req, SESSION_COOKIE));
		if (!session) return this.#refuseAuth(socket, 401, 'Unauthorized', 'upgrade');
		const address = clientAddress(req);
		if ((this.#byAddress.get(address) ?? 0) >= this.limits.maxSocketsPerAddress) {
			return refuse(socket, 429, 'Too Many Requests');
		}
		this.#wss.handleUpgrade(req, socket, head, (ws) => {
			// Refused after the upgrade, not with an HTTP status: a browser's WebSocket never shows
			// the app the status of a failed upgrade, only the close code of an open socket.
			const refusal = protocolRefusal(req.url);
			if (refusal) {
				this.metrics.protocolRefusals.inc({ reason: refusal.reason });
				return ws.close(refusal.code, refusal.reason);
			}
			const context: SocketContext = {
				userId: session.userId,
				sessionId: session.sessionId,
				socket: {
					authenticated: new Set(),
					open: new Set(),
					close: ({ code, reason }) => ws.close(code, reason)
				}
			};
			ws.once('close', () => this.openDocuments.closeSocket(session.userId, context.socket.open));
			this.#track(ws, session.sessionId, address);
			this.#enforceBudgets(ws, context);
			this.hocuspocus.handleConnection(ws, req, context);
		});
	}

	closeSession(sessionId: string, close: { code: number; reason: string }): void {
		for (const ws of this.#bySession.get(sessionId) ?? []) ws.close(close.code, close.reason);
	}

	/** Stops accepting sockets and closes the open ones (Hocuspocus then stores what's pending). */
	closeAll(): void {
		this.#isClosing = true;
		for (const sockets of this.#bySession.values()) {
			for (const ws of sockets) ws.close(CLOSE.shuttingDown.code, CLOSE.shuttingDown.reason);
		}
	}

	#refuseAuth(socket: Duplex, status: number, text: string, where: string): void {
		this.metrics.authFailures.inc({ where });
		refuse(socket, status, text);
	}

	#track(ws: WebSocket, sessionId: string, address: string): void {
		const sockets = this.#bySession.get(sessionId) ?? new Set<WebSocket>();
		sockets.add(ws);
		this.#bySession.set(sessionId, sockets);
		this.#byAddress.set(address, (this.#byAddress.get(address) ?? 0) + 1);
		this.metrics.connections.inc();
		ws.on('error', (error) => console.warn('[relay] socket error:', error.message));
		ws.once('close', () => {
			sockets.delete(ws);
			if (sockets.size === 0) this.#bySession.delete(sessionId);
			const left = (this.#byAddress.get(address) ?? 1) - 1;
			if (left > 0) this.#byAddress.set(address, left);
			else this.#byAddress.delete(address);
			this.metrics.connections.dec();
		});
	}

	#enforceBudgets(ws: WebSocket, context: SocketContext): void {
		const { limits } = this;
		let preAuthBytes = 0;
		let preAuthMessages = 0;
		const pending = new Map<string, { bytes: number; messages: number }>();
		let tokens = limits.messagesPerSecond * 2;
		let refilledAt = Date.now();
		const timer = setTimeout(() => {
			if (context.socket.authenticated.size === 0) {
				ws.close(CLOSE.authTimeout.code, CLOSE.authTimeout.reason);
			}
		}, limits.authTimeoutMs);
		ws.once('close', () => clearTimeout(timer));
		ws.on('message', (data: Buffer) => {
			// Hocuspocus queues messages for a document until it authenticates: budget them. Once it
			// has, they were handled: a socket that opens shard after shard is not closed for it.
			const name = documentNameOf(data);
			const queued = pending.get(name);
			if (context.socket.authenticated.has(name)) {
				if (queued) {
					preAuthBytes -= queued.bytes;
					preAuthMessages -= queued.messages;
					pending.delete(name);
				}
			} else {
				pending.set(name, {
					bytes: (queued?.bytes ?? 0) + data.length,
					messages: (queued?.messages ?? 0) + 1
				});
				preAuthBytes += data.length;
				preAuthMessages++;
				if (preAuthBytes > limits.preAuthBytes || preAuthMessages > limits.preAuthMessages) {
					this.metrics.rejectedMessages.inc({ reason: 'pre-auth budget' });
					return ws.close(CLOSE.tooMuch.code, CLOSE.tooMuch.reason);
				}
			}
			const now = Date.now();
			tokens = Math.min(
				limits.messagesPerSecond * 2,
				tokens + ((now - refilledAt) / 1000) * limits.messagesPerSecond
			);
			refilledAt = now;
			if (--tokens < 0) {
				this.metrics.rejectedMessages.inc({ reason: 'rate' });
				ws.close(CLOSE.tooMuch.code, CLOSE.tooMuch.reason);
			}
		});
	}
}

function documentNameOf(message: Buffer): string {
	try {
		return decoding.readVarString(decoding.createDecoder(message));
	} catch {
		return '';
	}
}

function refuse(socket: Duplex, status: number, text: string): void {
	socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
