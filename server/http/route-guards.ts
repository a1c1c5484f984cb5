import type { IncomingMessage } from 'node:http';
import type { SessionInfo } from '../../sync/protocol/api';
import type { AuthService } from '../services/auth.service';
import { SESSION_COOKIE, readCookie } from './cookies';
import { HttpError } from './json';
import { isSameOrigin } from './request-guard';

/** Every state-changing endpoint starts here: other sites cannot make a browser call it. */
export function requireSameOrigin(req: IncomingMessage): void {
	if (!isSameOrigin(req)) throw new HttpError(403, 'forbidden', 'Cross-site requests are refused.');
}

/** The live session behind the request's cookie, or 401. */
export function requireSession(auth: AuthService, req: IncomingMessage): SessionInfo {
	const session = auth.authenticate(readCookie(req, SESSION_COOKIE));
	if (!session) throw new HttpError(401, 'unauthenticated', 'Sign in first.');
	return session;
}
