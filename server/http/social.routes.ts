import { ID_SOURCE } from '../../sync/ids';
import {
	FollowSchema,
	HandleSchema,
	MarkReadSchema,
	ReplySchema
} from '../../sync/protocol/social';
import type { IdempotencyRepository } from '../db/idempotency.repository';
import type { ProfilesRepository } from '../db/profiles.repository';
import type { AuthService } from '../services/auth.service';
import type { SocialService } from '../services/social.service';
import { HttpError, sendJson } from './json';
import { profileRoutes } from './profile.routes';
import type { Route } from './router';
import {
	beforeOf,
	body,
	cursorOf,
	notFound,
	refuse,
	socialEdge,
	type SocialLimits
} from './social-edge';

const HANDLE = `(${ID_SOURCE.handle})`;
const POST = `(${ID_SOURCE.post})`;

/**
 * The social API: profiles (profile.routes.ts), and here relations, the feed, threads, likes,
 * replies and notifications.
 */
export function socialRoutes(
	auth: AuthService,
	social: SocialService,
	profiles: ProfilesRepository,
	idempotency: IdempotencyRepository,
	limits: SocialLimits
): Route[] {
	const edge = socialEdge(auth, profiles, idempotency, limits);
	const { reader, member, mutation } = edge;

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
		...profileRoutes(edge, social, profiles),
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
			path: /^\/api\/feed$/,
			handle(context) {
				sendJson(context.res, 200, social.feed(member(context), cursorOf(context.req)));
			}
		},
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
				const viewer = member(context);
				const raw = beforeOf(context.req);
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
