import * as v from 'valibot';

/**
 * The Web Push contract shared by the PWA, its service worker and the server: the API bodies of
 * /api/push/* and /api/notification-settings, and the payload a push message carries.
 */
export const NOTIFICATION_TYPES = ['follow', 'like', 'reply', 'post'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export const MAX_ENDPOINT_LENGTH = 2048;

/** An https URL with a DNS or IPv4 host, an optional port and path, and no user info. */
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][\x21-\x7e]*)?$/;
/** Unpadded (or padded) base64url, as `PushSubscription.toJSON()` gives it. */
const base64Url = (chars: number) => new RegExp(`^[A-Za-z0-9_-]{${chars}}={0,2}$`);

export const PushSubscriptionSchema = v.object(
	{
		endpoint: v.pipe(
			v.string('Send the endpoint as text.'),
			v.maxLength(MAX_ENDPOINT_LENGTH, 'The endpoint is too long.'),
			v.regex(HTTPS_URL, 'The endpoint must be an https URL.')
		),
		expirationTime: v.optional(v.nullable(v.number())),
		keys: v.object(
			{
				// An uncompressed P-256 point: 65 bytes starting 0x04, so 87 characters starting 'B'.
				p256dh: v.pipe(
					v.string('Send keys.p256dh as text.'),
					v.regex(/^B/, 'keys.p256dh is not a P-256 public key.'),
					v.regex(base64Url(87), 'keys.p256dh is not a P-256 public key.')
				),
				// 16 random bytes: 22 characters.
				auth: v.pipe(
					v.string('Send keys.auth as text.'),
					v.regex(base64Url(22), 'keys.auth must be 16 bytes in base64url.')
				)
			},
			'Send keys with p256dh and auth.'
		)
	},
	'Send a push subscription (PushSubscription.toJSON()).'
);
export type PushSubscriptionBody = v.InferOutput<typeof PushSubscriptionSchema>;

export const UnsubscribeSchema = v.object(
	{
		endpoint: v.pipe(
			v.string('Send the endpoint as text.'),
			v.maxLength(MAX_ENDPOINT_LENGTH, 'The endpoint is too long.')
		)
	},
	'Send an object with the endpoint to forget.'
);

/** Per-type push switches; every one is on until the person turns it off. */
export const NotificationSettingsSchema = v.object(
	{
		follow: v.boolean('follow must be true or false.'),
		like: v.boolean('like must be true or false.'),
		reply: v.boolean('reply must be true or false.'),
		post: v.boolean('post must be true or false.')
	},
	'Send an object with follow, like, reply and post switches.'
);
export type NotificationSettings = v.InferOutput<typeof NotificationSettingsSchema>;

export interface PushKey {
	/** The server's VAPID public key (base64url): `applicationServerKey` for subscribe(). */
	publicKey: string;
}

/** A path inside the app ('/…' but not '//…' or '/\…', which browsers read as another host). */
export function isAppPath(url: string): boolean {
	return /^\/(?![/\\])[\x21-\x7e]*$/.test(url);
}

/** What a push message carries, and nothing else. The service worker trusts nothing more. */
export const PushPayloadSchema = v.object({
	type: v.picklist(NOTIFICATION_TYPES),
	title: v.pipe(v.string(), v.maxLength(200)),
	body: v.pipe(v.string(), v.maxLength(1000)),
	url: v.pipe(v.string(), v.maxLength(MAX_ENDPOINT_LENGTH), v.check(isAppPath))
});
export type PushPayload = v.InferOutput<typeof PushPayloadSchema>;
