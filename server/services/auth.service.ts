import { createHash, randomBytes } from 'node:crypto';
import type { Credentials, Device, RelayToken, SessionInfo } from '../../sync/protocol/api';
import type { SessionsRepository } from '../db/sessions.repository';
import type { UsersRepository } from '../db/users.repository';
import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords';
import type { RelayClaims, RelayTokens } from './relay-tokens';

export interface SignedIn {
	session: SessionInfo;
	/** The raw session token: goes to the cookie, never to the database. */
	token: string;
}

const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const TOUCH_EVERY_MS = 60 * 1000;

export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

/** Accounts and device sessions. No HTTP here: routes translate to and from requests. */
export class AuthService {
	#revokeListeners = new Set<(sessionId: string) => void>();

	constructor(
		private readonly users: UsersRepository,
		private readonly sessions: SessionsRepository,
		private readonly relayTokens: RelayTokens
	) {}

	async register(credentials: Credentials, now = Date.now()): Promise<SignedIn | 'username_taken'> {
		if (this.users.findByUsername(credentials.username)) return 'username_taken';
		const passwordHash = await hashPassword(credentials.password);
		const user = {
			id: randomBytes(12).toString('hex'),
			username: credentials.username,
			passwordHash,
			createdAt: now
		};
		if (!this.users.insert(user)) return 'username_taken';
		return this.#startSession(user.id, user.username, credentials.deviceName, now);
	}

	async login(
		credentials: Credentials,
		now = Date.now()
	): Promise<SignedIn | 'invalid_credentials'> {
		const user = this.users.findByUsername(credentials.username);
		const isValid = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, credentials.password);
		if (!user || !isValid) return 'invalid_credentials';
		return this.#startSession(user.id, user.username, credentials.deviceName, now);
	}

	/** The live session behind a cookie token, or null. */
	authenticate(token: string | undefined, now = Date.now()): SessionInfo | null {
		if (!token || token.length > 128) return null;
		const session = this.sessions.findLiveByTokenHash(hashToken(token));
		if (!session || session.expiresAt < now) return null;
		const user = this.users.findById(session.userId);
		if (!user) return null;
		if (now - session.lastSeenAt > TOUCH_EVERY_MS) this.sessions.touch(session.id, now);
		return { userId: user.id, username: user.username, sessionId: session.id };
	}

	logout(session: SessionInfo, now = Date.now()): void {
		this.revokeDevice(session, session.sessionId, now);
	}

	devices(session: SessionInfo): Device[] {
		return this.sessions.listLive(session.userId).map((row) => ({
			id: row.id,
			name: row.deviceName,
			createdAt: row.createdAt,
			lastSeenAt: row.lastSeenAt,
			isCurrent: row.id === session.sessionId
		}));
	}

	/** Ends one of the user's sessions at once: its token stops working, its sockets close. */
	revokeDevice(session: SessionInfo, sessionId: string, now = Date.now()): boolean {
		const revoked = this.sessions.revoke(session.userId, sessionId, now);
		if (revoked) for (const listener of this.#revokeListeners) listener(sessionId);
		return revoked;
	}

	/** Renames one of the user's own devices; false for anyone else's, or a signed-out one. */
	renameDevice(session: SessionInfo, sessionId: string, name: string): boolean {
		return this.sessions.rename(session.userId, sessionId, name);
	}

	onRevoke(listener: (sessionId: string) => void): void {
		this.#revokeListeners.add(listener);
	}

	issueRelayToken(session: SessionInfo, now = Date.now()): RelayToken {
		return this.relayTokens.issue(session.sessionId, session.userId, now);
	}

	/** A relay token is good while it is unexpired AND its session is still live. */
	verifyRelayToken(token: unknown, now = Date.now()): RelayClaims | null {
		const claims = this.relayTokens.verify(token, now);
		if (!claims) return null;
		const session = this.sessions.findLiveById(claims.sessionId);
		if (!session || session.userId !== claims.userId || session.expiresAt < now) return null;
		return claims;
	}

	#startSession(userId: string, username: string, deviceName: string, now: number): SignedIn {
		const token = randomBytes(32).toString('base64url');
		const id = randomBytes(12).toString('hex');
		this.sessions.insert({
			id,
			userId,
			tokenHash: hashToken(token),
			deviceName: deviceName || 'Unnamed device',
			createdAt: now,
			lastSeenAt: now,
			expiresAt: now + SESSION_TTL_MS,
			revokedAt: null
		});
		return { session: { userId, username, sessionId: id }, token };
	}
}
