import type { IncomingMessage } from 'node:http';
import * as v from 'valibot';
import { parsePostCursor, type PostCursor } from '../../sync/ids';
import { IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY } from '../../sync/protocol/social';
import type { IdempotencyRepository } from '../db/idempotency.repository';
import type { ProfileRow, ProfilesRepository } from '../db/profiles.repository';
import type { AuthService } from '../services/auth.service';
import type { RateLimiter } from '../services/rate-limiter';
import type { Refusal } from '../services/social.service';
import { SESSION_COOKIE, readCookie } from './cookies';
import { HttpError, readJson, sendEmpty, sendJson } from './json';
import { requireSameOrigin, requireSession } from './route-guards';
import type { Route, RouteContext } from './router';

/** What a mutation answers; kept per idempotency key so a replay gets the same answer. */
export interface Answer {
	status: number;
	body?: unknown;
}

export interface SocialLimits {
	/** Reads per signed-in user (or address) per minute. */
	reads: RateLimiter;
	/** Follows, likes, replies and other changes per user per minute. */
	writes: RateLimiter;
}

/** How every social route reads its caller and answers: rate limits, sessions, replays. */
export interface SocialEdge {
	/** The signed-in reader, or '' for an anonymous one (public posts only). */
	reader(context: RouteContext): string;
	/** The signed-in reader, or 401. */
	member(context: RouteContext): string;
	/** A mutation: same origin, signed in, rate limited, and applied once per idempotency key. */
	mutation(
		run: (context: RouteContext, self: ProfileRow) => Promise<Answer> | Answer
	): Route['handle'];
}

export function socialEdge(
	auth: AuthService,
	profiles: ProfilesRepository,
	idempotency: IdempotencyRepository,
	limits: SocialLimits
): SocialEdge {
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

	// A retry that arrives while the first try still runs waits for it instead of applying again:
	// the stored key is only written once the first try has answered.
	const running = new Map<string, { request: string; answer: Promise<Answer> }>();

	return {
		reader,
		member(context) {
			const viewer = reader(context);
			if (!viewer) throw new HttpError(401, 'unauthenticated', 'Sign in first.');
			return viewer;
		},
		mutation: (run) => async (context) => {
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
			const slot = key ? `${self.userId}\n${key}` : '';
			const first = key ? running.get(slot) : undefined;
			if (first) {
				if (first.request !== request) {
					throw new HttpError(
						400,
						'invalid_body',
						'This idempotency key was used for another request.'
					);
				}
				return send(context, await first.answer);
			}
			take(limits.writes, self.userId);
			const answer = Promise.resolve(run(context, self));
			if (key) running.set(slot, { request, answer });
			try {
				const done = await answer;
				if (key && done.status < 500) {
					idempotency.save(self.userId, key, {
						status: done.status,
						body: JSON.stringify({ request, body: done.body ?? null })
					});
				}
				send(context, done);
			} finally {
				if (key) running.delete(slot);
			}
		}
	};
}

/** The request body, validated; the first issue becomes a 400 naming the field. */
export async function body<S extends v.GenericSchema>(
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
export function refuse<T>(result: T | Refusal | null): T {
	if (result === 'not_found') throw notFound('Not found, or not shared with you.');
	if (result === 'blocked')
		throw new HttpError(403, 'forbidden', 'This person blocked you, or you blocked them.');
	if (result === 'self') throw new HttpError(400, 'invalid_body', 'That is you.');
	return result as T;
}

export const notFound = (message: string) => new HttpError(404, 'not_found', message);

/** The `before` query parameter; absent is the first page, anything not ours a 400. */
export function cursorOf(req: IncomingMessage): PostCursor | undefined {
	const raw = beforeOf(req);
	if (raw === null) return undefined;
	const cursor = parsePostCursor(raw);
	if (!cursor) throw new HttpError(400, 'invalid_body', 'before is not a cursor from this API.');
	return cursor;
}

export function beforeOf(req: IncomingMessage): string | null {
	return new URL(req.url ?? '/', 'http://x').searchParams.get('before');
}

function send({ res }: RouteContext, answer: Answer): void {
	if (answer.status === 204) sendEmpty(res);
	else sendJson(res, answer.status, answer.body ?? null);
}

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
