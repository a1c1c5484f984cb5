import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 't10x_session';
const MAX_AGE_S = 30 * 24 * 60 * 60;

export function readCookie(req: IncomingMessage, name: string): string | undefined {
	for (const part of (req.headers.cookie ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
	}
	return undefined;
}

/** HttpOnly so scripts never see it; Secure whenever the request arrived over HTTPS. */
export function sessionCookie(token: string, isSecure: boolean): string {
	return serialise(`${SESSION_COOKIE}=${token}`, MAX_AGE_S, isSecure);
}

export function clearedSessionCookie(isSecure: boolean): string {
	return serialise(`${SESSION_COOKIE}=`, 0, isSecure);
}

export function isSecureRequest(req: IncomingMessage): boolean {
	const socket = req.socket as { encrypted?: boolean };
	return !!socket.encrypted || req.headers['x-forwarded-proto'] === 'https';
}

function serialise(pair: string, maxAge: number, isSecure: boolean): string {
	return `${pair}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${isSecure ? '; Secure' : ''}`;
}
