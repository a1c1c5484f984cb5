import { createHmac, timingSafeEqual } from 'node:crypto';

export interface RelayClaims {
	sessionId: string;
	userId: string;
	expiresAt: number;
}

/**
 * Short-lived, signed tokens for authenticating documents on the relay. Signed with a secret
 * kept in the data dir, so they survive restarts; they carry no rights beyond their session.
 */
export class RelayTokens {
	constructor(
		private readonly secret: Buffer,
		private readonly ttlMs: number
	) {}

	issue(sessionId: string, userId: string, now = Date.now()): { token: string; expiresAt: number } {
		const expiresAt = now + this.ttlMs;
		const body = Buffer.from(JSON.stringify([sessionId, userId, expiresAt])).toString('base64url');
		return { token: `${body}.${this.#sign(body)}`, expiresAt };
	}

	verify(token: unknown, now = Date.now()): RelayClaims | null {
		if (typeof token !== 'string' || token.length > 512) return null;
		const [body, signature, extra] = token.split('.');
		if (!body || !signature || extra !== undefined) return null;
		const expected = Buffer.from(this.#sign(body));
		const given = Buffer.from(signature);
		if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
		try {
			const [sessionId, userId, expiresAt] = JSON.parse(Buffer.from(body, 'base64url').toString());
			if (typeof sessionId !== 'string' || typeof userId !== 'string') return null;
			if (typeof expiresAt !== 'number' || expiresAt < now) return null;
			return { sessionId, userId, expiresAt };
		} catch {
			return null;
		}
	}

	#sign(body: string): string {
		return createHmac('sha256', this.secret).update(body).digest('base64url');
	}
}
