import * as v from 'valibot';
import { DEVICE_ID } from '../../sync/ids';
import {
	CredentialsSchema,
	DeviceRenameSchema,
	type Credentials,
	type SessionInfo
} from '../../sync/protocol/api';
import type { AuthService } from '../services/auth.service';
import type { LoginThrottle } from '../services/login-throttle';
import type { RateLimiter } from '../services/rate-limiter';
import {
	SESSION_COOKIE,
	clearedSessionCookie,
	isSecureRequest,
	readCookie,
	sessionCookie
} from './cookies';
import { HttpError, readJson, sendEmpty, sendJson } from './json';
import { clientAddress } from './request-guard';
import { requireSameOrigin, requireSession } from './route-guards';
import type { Route, RouteContext } from './router';

export interface AuthLimits {
	/** Every auth attempt, per client address. */
	attempts: RateLimiter;
	/** Failed logins, per address and username (slower per username when attacked widely). */
	failures: LoginThrottle;
}

/** Account and device endpoints: thin translation between HTTP and the AuthService. */
export function authRoutes(
	auth: AuthService,
	limits: AuthLimits,
	onAuthFailure: () => void
): Route[] {
	const sessionOf = ({ req }: RouteContext): SessionInfo => requireSession(auth, req);

	const credentialsOf = async (context: RouteContext): Promise<Credentials> => {
		guardMutation(context);
		if (!limits.attempts.take(clientAddress(context.req))) {
			throw new HttpError(429, 'rate_limited', 'Too many attempts. Wait a minute and try again.');
		}
		const parsed = v.safeParse(CredentialsSchema, await readJson(context.req));
		if (!parsed.success) {
			const issue = parsed.issues[0];
			const field = v.getDotPath(issue) ?? 'body';
			throw new HttpError(400, 'invalid_body', `${field}: ${issue.message}`);
		}
		return parsed.output;
	};

	const signedIn = (
		context: RouteContext,
		status: number,
		result: { session: SessionInfo; token: string }
	) =>
		sendJson(
			context.res,
			status,
			{ session: result.session },
			{
				'Set-Cookie': sessionCookie(result.token, isSecureRequest(context.req))
			}
		);

	return [
		{
			method: 'POST',
			path: /^\/api\/auth\/register$/,
			async handle(context) {
				const credentials = await credentialsOf(context);
				const result = await auth.register(credentials);
				if (result === 'username_taken') {
					throw new HttpError(409, 'username_taken', 'That username is taken.');
				}
				signedIn(context, 201, result);
			}
		},
		{
			method: 'POST',
			path: /^\/api\/auth\/login$/,
			async handle(context) {
				const credentials = await credentialsOf(context);
				const address = clientAddress(context.req);
				const waitS = Math.ceil(limits.failures.waitMs(address, credentials.username) / 1000);
				if (waitS > 0) {
					throw new HttpError(
						429,
						'rate_limited',
						`Too many failed attempts. Try again in ${waitS} seconds.`,
						{ 'Retry-After': String(waitS) }
					);
				}
				const result = await auth.login(credentials);
				if (typeof result === 'string') {
					limits.failures.failed(address, credentials.username);
					onAuthFailure();
					throw new HttpError(401, 'invalid_credentials', 'Wrong username or password.');
				}
				limits.failures.succeeded(address, credentials.username);
				signedIn(context, 200, result);
			}
		},
		{
			method: 'POST',
			path: /^\/api\/auth\/logout$/,
			handle(context) {
				guardMutation(context);
				const session = auth.authenticate(readCookie(context.req, SESSION_COOKIE));
				if (session) auth.logout(session);
				sendEmpty(context.res, {
					'Set-Cookie': clearedSessionCookie(isSecureRequest(context.req))
				});
			}
		},
		{
			method: 'GET',
			path: /^\/api\/auth\/session$/,
			handle(context) {
				sendJson(context.res, 200, { session: sessionOf(context) });
			}
		},
		{
			method: 'POST',
			path: /^\/api\/auth\/relay-token$/,
			handle(context) {
				guardMutation(context);
				sendJson(context.res, 200, auth.issueRelayToken(sessionOf(context)));
			}
		},
		{
			method: 'GET',
			path: /^\/api\/devices$/,
			handle(context) {
				sendJson(context.res, 200, { devices: auth.devices(sessionOf(context)) });
			}
		},
		{
			method: 'DELETE',
			path: /^\/api\/devices\/([^/]+)$/,
			handle(context) {
				guardMutation(context);
				const session = sessionOf(context);
				const id = context.params[0];
				if (!DEVICE_ID.test(id) || !auth.revokeDevice(session, id)) {
					throw new HttpError(404, 'not_found', 'No such device.');
				}
				sendEmpty(context.res);
			}
		},
		{
			method: 'PATCH',
			path: /^\/api\/devices\/([^/]+)$/,
			async handle(context) {
				guardMutation(context);
				const session = sessionOf(context);
				const id = context.params[0];
				const parsed = v.safeParse(DeviceRenameSchema, await readJson(context.req));
				if (!parsed.success) {
					throw new HttpError(400, 'invalid_body', parsed.issues[0].message);
				}
				if (!DEVICE_ID.test(id) || !auth.renameDevice(session, id, parsed.output.name)) {
					throw new HttpError(404, 'not_found', 'No such device.');
				}
				sendEmpty(context.res);
			}
		}
	];
}

function guardMutation({ req }: RouteContext): void {
	requireSameOrigin(req);
}
