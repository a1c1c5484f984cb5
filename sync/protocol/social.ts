import * as v from 'valibot';
import { REPLY_ID, USERNAME } from '../ids';

/**
 * The social API's shapes, shared by the PWA and the server: request bodies are validated at
 * the server edge with these schemas; responses use the interfaces.
 */

export const MAX_REPLY_CHARS = 2_000;
export const MAX_DISPLAY_NAME = 50;
export const MAX_BIO = 300;
export const FEED_PAGE_SIZE = 20;
/** Offline actions carry one; the server applies each key once and replays its first answer. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{16,64}$/;

export type PostVisibility = 'public' | 'followers';

const handle = v.pipe(
	v.string('Name the person by their handle.'),
	v.trim(),
	v.toLowerCase(),
	v.regex(USERNAME, 'A handle has 3–32 letters, digits or underscores.')
);

export const FollowSchema = v.object(
	{ handle, notifyPosts: v.optional(v.boolean('notifyPosts is true or false.'), false) },
	'Send an object with a handle.'
);
export const HandleSchema = v.object({ handle }, 'Send an object with a handle.');

export const ReplySchema = v.object(
	{
		text: v.pipe(
			v.string('Write the reply as text.'),
			v.trim(),
			v.minLength(1, 'Write something first.'),
			v.maxLength(MAX_REPLY_CHARS, `Keep replies under ${MAX_REPLY_CHARS} characters.`)
		),
		parentId: v.optional(v.pipe(v.string(), v.regex(REPLY_ID, 'parentId is not a reply id.'))),
		visibility: v.optional(v.picklist(['public', 'followers'], 'Pick public or followers.'))
	},
	'Send an object with the reply text.'
);
export type ReplyInput = v.InferOutput<typeof ReplySchema>;

export const ProfileSchema = v.object(
	{
		displayName: v.pipe(
			v.string('Write the name as text.'),
			v.trim(),
			v.maxLength(MAX_DISPLAY_NAME, `Keep the name under ${MAX_DISPLAY_NAME} characters.`)
		),
		bio: v.pipe(
			v.string('Write the bio as text.'),
			v.trim(),
			v.maxLength(MAX_BIO, `Keep the bio under ${MAX_BIO} characters.`)
		)
	},
	'Send an object with displayName and bio.'
);
export type ProfileInput = v.InferOutput<typeof ProfileSchema>;

export const MarkReadSchema = v.object(
	{ upTo: v.pipe(v.number('upTo is a notification id.'), v.integer(), v.minValue(0)) },
	'Send an object with upTo.'
);

/** People search: a handle prefix (an `@` in front is fine), so an index can answer it. */
export const MAX_PEOPLE_QUERY = 32;
export const PEOPLE_PAGE_SIZE = 20;
export const PeopleQuerySchema = v.object({
	q: v.pipe(
		v.string('Type part of a handle.'),
		v.trim(),
		v.toLowerCase(),
		v.transform((q) => q.replace(/^@/, '')),
		v.minLength(1, 'Type part of a handle.'),
		v.maxLength(MAX_PEOPLE_QUERY, `Handles have at most ${MAX_PEOPLE_QUERY} characters.`),
		v.regex(/^[a-z0-9_]+$/, 'Handles have only letters, digits and underscores.')
	),
	/** The last handle of the previous page. */
	after: v.optional(
		v.pipe(v.string(), v.regex(USERNAME, 'after is the last handle of the previous page.'))
	)
});
export type PeopleQuery = v.InferOutput<typeof PeopleQuerySchema>;

export interface PeoplePage {
	people: AuthorSummary[];
	/** Pass as `after` for the next page; null on the last one. */
	next: string | null;
}

export interface AuthorSummary {
	handle: string;
	displayName: string;
	hasAvatar: boolean;
}

export interface FeedPost {
	id: string;
	author: AuthorSummary;
	text: string;
	visibility: PostVisibility;
	createdAt: number;
	editedAt: number | null;
	likeCount: number;
	likedByMe: boolean;
	replyCount: number;
}

export interface FeedPage {
	posts: FeedPost[];
	/** Pass as `before` for the next page; null on the last one. */
	next: string | null;
}

export interface Reply {
	id: string;
	postId: string;
	parentId: string | null;
	author: AuthorSummary;
	text: string;
	visibility: PostVisibility;
	createdAt: number;
}

export interface Thread {
	post: FeedPost;
	replies: Reply[];
}

export interface Relationship {
	following: boolean;
	followedBy: boolean;
	notifyPosts: boolean;
	blocking: boolean;
	muting: boolean;
}

export interface Profile extends AuthorSummary {
	bio: string;
	followers: number;
	following: number;
	/** Null when nobody is signed in, or for one's own profile. */
	relationship: Relationship | null;
}

export type NotificationType = 'follow' | 'like' | 'reply' | 'post';

export interface AppNotification {
	id: number;
	type: NotificationType;
	actor: AuthorSummary;
	postId: string | null;
	/** The start of the post (or reply) it is about, when the reader may still see it. */
	excerpt: string | null;
	createdAt: number;
	read: boolean;
}

export interface NotificationsPage {
	notifications: AppNotification[];
	unread: number;
	next: string | null;
}

export interface LikeState {
	liked: boolean;
	likeCount: number;
}
