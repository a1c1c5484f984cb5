import { ID_SOURCE } from '../../sync/ids';
import * as v from 'valibot';
import {
	PEOPLE_PAGE_SIZE,
	PeopleQuerySchema,
	ProfileSchema,
	type PeoplePage
} from '../../sync/protocol/social';
import type { ProfilesRepository } from '../db/profiles.repository';
import type { SocialService } from '../services/social.service';
import { HttpError, readBytes, sendJson } from './json';
import type { Route } from './router';
import { body, cursorOf, notFound, type SocialEdge } from './social-edge';

const HANDLE = `(${ID_SOURCE.handle})`;
const MAX_AVATAR_BYTES = 256 * 1024;
/** Avatars are served back as-is, so only images whose bytes say what they are. */
const IMAGE_TYPES: [string, (b: Buffer) => boolean][] = [
	['image/png', (b) => b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))],
	['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
	[
		'image/webp',
		(b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP'
	]
];

/** People: profiles with their posts and relations, one's own profile and avatar. */
export function profileRoutes(
	edge: SocialEdge,
	social: SocialService,
	profiles: ProfilesRepository
): Route[] {
	const { reader, member, mutation } = edge;
	return [
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
				sendJson(context.res, 200, { handles: list.map((person) => person.handle), people: list });
			}
		},
		{
			// Signed-in only, so the list of accounts is not an anonymous crawl.
			method: 'GET',
			path: /^\/api\/people$/,
			handle(context) {
				const viewer = member(context);
				const { searchParams } = new URL(context.req.url ?? '/', 'http://x');
				const parsed = v.safeParse(PeopleQuerySchema, {
					q: searchParams.get('q') ?? '',
					after: searchParams.get('after') ?? undefined
				});
				if (!parsed.success) throw new HttpError(400, 'invalid_body', parsed.issues[0].message);
				const { q, after = '' } = parsed.output;
				const found = profiles.search(viewer, q, after, PEOPLE_PAGE_SIZE + 1);
				const people = found.slice(0, PEOPLE_PAGE_SIZE);
				const page: PeoplePage = {
					people,
					next: found.length > PEOPLE_PAGE_SIZE ? people[people.length - 1].handle : null
				};
				sendJson(context.res, 200, page);
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
		}
	];
}
