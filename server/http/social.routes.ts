import type { IncomingMessage } from 'node:http';
import * as v from 'valibot';
import {
	FollowSchema,
	HandleSchema,
	IDEMPOTENCY_HEADER,
	IDEMPOTENCY_KEY,
	MarkReadSchema,
	ProfileSchema,
	ReplySchema
} from '../../sync/protocol/social';
import type { PostCursor } from '../db/posts.repository';
import type { IdempotencyRepository } from '../db/idempotency.repository';
import type { ProfileRow, ProfilesRepository } from '../db/profiles.repository';
import type { AuthService } from '../services/auth.service';
import type { RateLimiter } from '../services/rate-limiter';
import type { Refusal, SocialService } from '../services/social.service';
import { SESSION_COOKIE, readCookie } from './cookies';
import { HttpError, readBytes, readJson, sendEmpty, sendJson } from './json';
import { requireSameOrigin, requireSession } from './route-guards';
import type { Route, RouteContext } from './router';

const HANDLE = '([a-z0-9_]{3,32})';
const POST = '(t[0-9a-z]{22})';
const CURSOR = /^(\d{1,16})-(t[0-9a-z]{22})$/;
export const MAX_AVATAR_BYTES = 256 * 1024;
const IMAGE_TYPES: [string, (b: Buffer) => boolean][] = [
	['image/png', (b) => b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))],
	['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
	[
		'image/webp',
		(b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP'
	]
];

/** What a mutation answers; kept per idempotency key so a replay gets the same answer. */
interface Answer {
	status: number;
	body?: unknown;
}

export interface SocialLimits {
	/** Reads per signed-in user (or address) per minute. */
	reads: RateLimiter;
	/** Follows, likes, replies and other changes per user per minute. */
	writes: RateLimiter;
}

/** The social API: profiles, relations, feed, threads, likes, replies, notifications. */
export function socialRoutes(
	auth: AuthService,
	social: SocialService,
	profiles: ProfilesRepository,
	idempotency: IdempotencyRepository,
	limits: SocialLimits
): Route[] {
	/** The signed-in reader, or '' for an anonymous one (public posts only). */
	const reader = ({ req }: RouteContext): string => {
		const session = auth.authenticate(readCookie(req, SESSION_COOKIE));
		take(limits.reads, session?.userId ?? req.socket.remoteAddress ?? 'unknown');
		return session?.userId ?? '';
	};
	const me = ({ req }: RouteContext): ProfileRow => {
		const session = requireSession(auth, req);
		const profile = profiles.byId(session.userId);
		if (!profile) throw new HttpError(401, 'unauthenticated', 'Sign in first.');
		return profile;
	};

	/** A mutation: same origin, signed in, rate limited, and applied once per idempotency key. */
	const mutation =
		(run: (context: RouteContext, self: ProfileRow) => Promise<Answer> | Answer) =>
		async (context: RouteContext) => {
			requireSameOrigin(context.req);
			const self = me(context);
			const key = idempotencyKey(context.req);
			const request = `${context.req.method} ${context.req.url}`;
			const stored = key ? idempotency.get(self.userId, key) : undefined;
			if (stored) {
				const replay = JSON.parse(stored.body) as { request: string; body: unknown };
				if (replay.request !== request) {
					throw new HttpError(
						400,
						'invalid_body',
						'This idempotency key was used for another request.'
					);
				}
				return send(context, { status: stored.status, body: replay.body });
			}
			take(limits.writes, self.userId);
			const answer = await run(context, self);
			if (key && answer.status < 500) {
				idempotency.save(self.userId, key, {
					status: answer.status,
					body: JSON.stringify({ request, body: answer.body ?? null })
				});
			}
			send(context, answer);
		};

	const relation = (action: 'unfollow' | 'block' | 'unblock' | 'mute' | 'unmute') =>
		mutation(async (context, self) => {
			const handle =
				context.req.method === 'DELETE'
					? context.params[0]
					: (await body(context, HandleSchema)).handle;
			refuse(social.relate(self, handle, action));
			return { status: 204 };
		});

	return [
		{
			method: 'GET',
			path: /^\/api\/feed$/,
			handle(context) {
				const viewer = reader(context);
				if (!viewer) throw new HttpError(401, 'unauthenticated', 'Sign in first.');
				sendJson(context.res, 200, social.feed(viewer, cursorOf(context.req)));
			}
		},
		{
			method: 'GET',
			path: new RegExp(`^/api/profiles/${HANDLE}$`),
			handle(context) {
				const profile = social.profile(reader(context), context.params[0]);
				if (!profile) throw notFound('No such person.');
				sendJson(context.res, 200, { profile });
			}
		},
		{
			method: 'GET',
			path: new RegExp(`^/api/profiles/${HANDLE}/posts$`),
			handle(context) {
				const page = social.authorPosts(reader(context), context.params[0], cursorOf(context.req));
				if (!page) throw notFound('No such person.');
				sendJson(context.res, 200, page);
			}
		},
		{
			method: 'GET',
			path: new RegExp(`^/api/profiles/${HANDLE}/(followers|following)$`),
			handle(context) {
				reader(context);
				const list = social.people(context.params[0], context.params[1] as 'followers');
				if (!list) throw notFound('No such person.');
				sendJson(context.res, 200, { handles: list });
			}
		},
		{
			method: 'PUT',
			path: /^\/api\/profile$/,
			handle: mutation(async (context, self) => {
				social.saveProfile(self, await body(context, ProfileSchema));
				return { status: 204 };
			})
		},
		{
			method: 'PUT',
			path: /^\/api\/profile\/avatar$/,
			handle: mutation(async (context, self) => {
				const bytes = await readBytes(context.req, MAX_AVATAR_BYTES);
				const type = IMAGE_TYPES.find(([, matches]) => bytes.length > 12 && matches(bytes))?.[0];
				if (!type) {
					throw new HttpError(415, 'unsupported_media_type', 'Use a PNG, JPEG or WebP image.');
				}
				profiles.setAvatar(self.userId, { bytes, type });
				return { status: 204 };
			})
		},
		{
			method: 'DELETE',
			path: /^\/api\/profile\/avatar$/,
			handle: mutation((_context, self) => {
				profiles.setAvatar(self.userId, null);
				return { status: 204 };
			})
		},
		{
			method: 'GET',
			path: new RegExp(`^/@${HANDLE}/avatar$`),
			handle(context) {
				reader(context);
				const image = profiles.avatar(context.params[0]);
				if (!image) throw notFound('No avatar.');
				context.res.writeHead(200, {
					'Content-Type': image.type,
					'Content-Security-Policy': "default-src 'none'; sandbox",
					'Cache-Control': 'no-cache'
				});
				context.res.end(image.bytes);
			}
		},
		{
			method: 'POST',
			path: /^\/api\/follows$/,
			handle: mutation(async (context, self) => {
				const input = await body(context, FollowSchema);
				refuse(social.follow(self, input.handle, input.notifyPosts));
				return { status: 204 };
			})
		},
		{
			method: 'DELETE',
			path: new RegExp(`^/api/follows/${HANDLE}$`),
			handle: relation('unfollow')
		},
		{ method: 'POST', path: /^\/api\/blocks$/, handle: relation('block') },
		{ method: 'DELETE', path: new RegExp(`^/api/blocks/${HANDLE}$`), handle: relation('unblock') },
		{ method: 'POST', path: /^\/api\/mutes$/, handle: relation('mute') },
		{ method: 'DELETE', path: new RegExp(`^/api/mutes/${HANDLE}$`), handle: relation('unmute') },
		{
			method: 'GET',
			path: new RegExp(`^/api/posts/${POST}$`),
			handle(context) {
				const thread = social.thread(reader(context), context.params[0]);
				if (!thread) throw notFound('No such post, or it is not shared with you.');
				sendJson(context.res, 200, thread);
			}
		},
		...(['POST', 'DELETE'] as const).map((method): Route => ({
			method,
			path: new RegExp(`^/api/posts/${POST}/like$`),
			handle: mutation((context, self) => {
				const state = social.like(self, context.params[0], method === 'POST');
				return { status: 200, body: refuse(state) };
			})
		})),
		{
			method: 'POST',
			path: new RegExp(`^/api/posts/${POST}/replies$`),
			handle: mutation(async (context, self) => {
				const input = await body(context, ReplySchema);
				return {
					status: 201,
					body: { reply: refuse(social.reply(self, context.params[0], input)) }
				};
			})
		},
		{
			method: 'GET',
			path: /^\/api\/notifications$/,
			handle(context) {
				const viewer = reader(context);
				if (!viewer) throw new HttpError(401, 'unauthenticated', 'Sign in first.');
				const raw = new URL(context.req.url ?? '/', 'http://x').searchParams.get('before');
				const before = raw === null ? undefined : Number(raw);
				if (before !== undefined && !(Number.isSafeInteger(before) && before > 0)) {
					throw new HttpError(400, 'invalid_body', 'before is a notification id.');
				}
				sendJson(context.res, 200, social.notifications(viewer, before));
			}
		},
		{
			method: 'POST',
			path: /^\/api\/notifications\/read$/,
			handle: mutation(async (context, self) => {
				social.markRead(self.userId, (await body(context, MarkReadSchema)).upTo);
				return { status: 204 };
			})
		}
	];
}

function send({ res }: RouteContext, answer: Answer): void {
	if (answer.status === 204) sendEmpty(res);
	else sendJson(res, answer.status, answer.body ?? null);
}

async function body<S extends v.GenericSchema>(
	context: RouteContext,
	schema: S
): Promise<v.InferOutput<S>> {
	const parsed = v.safeParse(schema, await readJson(context.req));
	if (!parsed.success) {
		const issue = parsed.issues[0];
		throw new HttpError(400, 'invalid_body', `${v.getDotPath(issue) ?? 'body'}: ${issue.message}`);
	}
	return parsed.output;
}

/** Maps a service refusal to its HTTP answer; passes anything else through. */
function refuse<T>(result: T | Refusal | null): T {
	if (result === 'not_found') throw notFound('Not found, or not shared with you.');
	if (result === 'blocked')
		throw new HttpError(403, 'forbidden', 'This person blocked you, or you blocked them.');
	if (result === 'self') throw new HttpError(400, 'invalid_body', 'That is you.');
	return result as T;
}

const notFound = (message: string) => new HttpError(404, 'not_found', message);

function take(limiter: RateLimiter, key: string): void {
	if (!limiter.take(key)) {
		throw new HttpError(429, 'rate_limited', 'Too many requests. Wait a minute and try again.');
	}
}

function idempotencyKey(req: IncomingMessage): string | undefined {
	const raw = req.headers[IDEMPOTENCY_HEADER];
	if (raw === undefined) return undefined;
	if (typeof raw !== 'string' || !IDEMPOTENCY_KEY.test(raw)) {
		throw new HttpError(400, 'invalid_body', 'The idempotency key is malformed.');
	}
	return raw;
}

function cursorOf(req: IncomingMessage): PostCursor | undefined {
	const raw = new URL(req.url ?? '/', 'http://x').searchParams.get('before');
	if (raw === null) return undefined;
	const match = CURSOR.exec(raw);
	if (!match) throw new HttpError(400, 'invalid_body', 'before is not a cursor from this API.');
	return { createdAt: Number(match[1]), id: match[2] };
}
