import * as v from 'valibot';
import type { SessionInfo } from '../../sync/protocol/api';
import {
	NotificationSettingsSchema,
	PushSubscriptionSchema,
	UnsubscribeSchema,
	type PushKey
} from '../../sync/protocol/push';
import type { AuthService } from '../services/auth.service';
import type { PushService } from '../services/push.service';
import type { RateLimiter } from '../services/rate-limiter';
import { HttpError, readJson, sendEmpty, sendJson } from './json';
import { requireSameOrigin, requireSession } from './route-guards';
import type { Route, RouteContext } from './router';

/** Web Push devices and per-type switches: thin translation between HTTP and the PushService. */
export function pushRoutes(
	auth: AuthService,
	push: PushService,
	perUser: RateLimiter,
	endpointHosts: readonly string[] = ['*']
): Route[] {
	/** Signed in and within the user's allowance. */
	const reader = ({ req }: RouteContext): SessionInfo => {
		const session = requireSession(auth, req);
		if (!perUser.take(session.userId)) {
			throw new HttpError(429, 'rate_limited', 'Too many requests. Wait a minute.');
		}
		return session;
	};
	/** A change: also only from the app's own pages. */
	const writer = (context: RouteContext): SessionInfo => {
		requireSameOrigin(context.req);
		return reader(context);
	};

	return [
		{
			method: 'GET',
			path: /^\/api\/push\/key$/,
			handle(context) {
				reader(context);
				const body: PushKey = { publicKey: push.publicKey };
				sendJson(context.res, 200, body);
			}
		},
		{
			method: 'POST',
			path: /^\/api\/push\/subscriptions$/,
			async handle(context) {
				const session = writer(context);
				const subscription = await bodyOf(context, PushSubscriptionSchema);
				if (!isAllowedHost(new URL(subscription.endpoint).hostname, endpointHosts)) {
					throw new HttpError(400, 'invalid_body', 'endpoint: This push service is not supported.');
				}
				push.subscribe(session.userId, subscription);
				sendEmpty(context.res);
			}
		},
		{
			method: 'DELETE',
			path: /^\/api\/push\/subscriptions$/,
			async handle(context) {
				const session = writer(context);
				const { endpoint } = await bodyOf(context, UnsubscribeSchema);
				// Forgetting a device that was never registered is not an error: it is already off.
				push.unsubscribe(session.userId, endpoint);
				sendEmpty(context.res);
			}
		},
		{
			method: 'GET',
			path: /^\/api\/notification-settings$/,
			handle(context) {
				const session = reader(context);
				sendJson(context.res, 200, push.settings(session.userId));
			}
		},
		{
			method: 'PUT',
			path: /^\/api\/notification-settings$/,
			async handle(context) {
				const session = writer(context);
				const settings = await bodyOf(context, NotificationSettingsSchema);
				push.saveSettings(session.userId, settings);
				sendJson(context.res, 200, push.settings(session.userId));
			}
		}
	];
}

async function bodyOf<const TSchema extends v.GenericSchema>(
	{ req }: RouteContext,
	schema: TSchema
): Promise<v.InferOutput<TSchema>> {
	const parsed = v.safeParse(schema, await readJson(req));
	if (!parsed.success) {
		const issue = parsed.issues[0];
		throw new HttpError(400, 'invalid_body', `${v.getDotPath(issue) ?? 'body'}: ${issue.message}`);
	}
	return parsed.output;
}

/** A host on the list, or a subdomain of one ('*' allows any). */
export function isAllowedHost(host: string, allowed: readonly string[]): boolean {
	const name = host.toLowerCase();
	return allowed.some((entry) => entry === '*' || name === entry || name.endsWith(`.${entry}`));
}
