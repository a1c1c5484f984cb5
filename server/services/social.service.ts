import { formatPostCursor, newReplyId } from '../../sync/ids';
import type {
	AppNotification,
	AuthorSummary,
	FeedPage,
	LikeState,
	Profile,
	ProfileInput,
	Reply,
	ReplyInput,
	Thread
} from '../../sync/protocol/social';
import type { InteractionsRepository, VisiblePost } from '../db/interactions.repository';
import type { NotificationsRepository } from '../db/notifications.repository';
import type { PostCursor } from '../db/posts.repository';
import type { ProfileRow, ProfilesRepository } from '../db/profiles.repository';
import type { RelationsRepository } from '../db/relations.repository';
import type { PushDelivery, PushMessage } from './push-delivery';

/** New-post alerts only for posts written lately, not for an old library published at once. */
const ALERT_RECENT_MS = 24 * 60 * 60 * 1000;
const PUSH_BODY_CHARS = 120;

export type Refusal = 'not_found' | 'blocked' | 'self';

export interface Repositories {
	profiles: ProfilesRepository;
	relations: RelationsRepository;
	interactions: InteractionsRepository;
	notifications: NotificationsRepository;
}

/**
 * The social layer: who follows whom, what each reader may see, likes, replies and the
 * notifications (in-app and pushed) they cause. Visibility is enforced by the repositories'
 * queries; this layer decides who is told about what.
 */
export class SocialService {
	constructor(
		private readonly repos: Repositories,
		private readonly push: PushDelivery
	) {}

	profile(viewer: string, handle: string): Profile | undefined {
		const found = this.repos.profiles.byHandle(handle);
		if (!found) return undefined;
		const { blockedBy, ...relationship } = this.repos.relations.relationship(viewer, found.userId);
		void blockedBy;
		return {
			handle: found.handle,
			displayName: found.displayName,
			hasAvatar: found.hasAvatar,
			bio: found.bio,
			...this.repos.relations.counts(found.userId),
			relationship: viewer && viewer !== found.userId ? relationship : null
		};
	}

	authorPosts(viewer: string, handle: string, before?: PostCursor): FeedPage | undefined {
		const found = this.repos.profiles.byHandle(handle);
		if (!found) return undefined;
		return page(this.repos.interactions.byAuthor(viewer, found.userId, before, PAGE_SIZE + 1));
	}

	people(handle: string, which: 'followers' | 'following'): AuthorSummary[] | undefined {
		const found = this.repos.profiles.byHandle(handle);
		if (!found) return undefined;
		return this.repos.relations
			.list(found.userId, which, 200)
			.map((id) => this.repos.profiles.byId(id))
			.filter((person) => !!person)
			.map(({ handle, displayName, hasAvatar }) => ({ handle, displayName, hasAvatar }));
	}

	follow(me: ProfileRow, handle: string, notifyPosts: boolean): Refusal | null {
		const them = this.repos.profiles.byHandle(handle);
		if (!them) return 'not_found';
		if (them.userId === me.userId) return 'self';
		const wasFollowing = this.repos.relations.relationship(me.userId, them.userId).following;
		if (!this.repos.relations.follow(me.userId, them.userId, notifyPosts)) return 'blocked';
		if (!wasFollowing) {
			this.#notify(
				{ userId: them.userId, type: 'follow', actorId: me.userId },
				{
					type: 'follow',
					title: 'New follower',
					body: `${name(me)} followed you`,
					url: `/people/${me.handle}`
				}
			);
		}
		return null;
	}

	/** unfollow, block, unblock, mute, unmute: `not_found` or `self`, else done. */
	relate(
		me: ProfileRow,
		handle: string,
		action: 'unfollow' | 'block' | 'unblock' | 'mute' | 'unmute'
	): Refusal | null {
		const them = this.repos.profiles.byHandle(handle);
		if (!them) return 'not_found';
		if (them.userId === me.userId) return 'self';
		this.repos.relations[action](me.userId, them.userId);
		return null;
	}

	feed(viewer: string, before?: PostCursor): FeedPage {
		return page(this.repos.interactions.feed(viewer, before, PAGE_SIZE + 1));
	}

	thread(viewer: string, postId: string): Thread | undefined {
		const post = this.repos.interactions.post(viewer, postId);
		if (!post) return undefined;
		return { post: publicShape(post), replies: this.repos.interactions.replies(viewer, postId) };
	}

	like(me: ProfileRow, postId: string, liked: boolean): LikeState | Refusal {
		const post = this.repos.interactions.post(me.userId, postId);
		if (!post) return 'not_found';
		if (this.#isBlockedBy(post.authorId, me)) return 'blocked';
		if (!liked) this.repos.interactions.unlike(me.userId, postId);
		else if (this.repos.interactions.like(me.userId, postId) && post.authorId !== me.userId) {
			this.#notify(
				{ userId: post.authorId, type: 'like', actorId: me.userId, postId },
				{
					type: 'like',
					title: 'New like',
					body: `${name(me)} liked “${excerpt(post.text)}”`,
					url: `/posts/${postId}`
				}
			);
		}
		return { liked, likeCount: this.repos.interactions.likeCount(postId) };
	}

	reply(me: ProfileRow, postId: string, input: ReplyInput): Reply | Refusal {
		const post = this.repos.interactions.post(me.userId, postId);
		if (!post) return 'not_found';
		if (this.#isBlockedBy(post.authorId, me)) return 'blocked';
		const parent = input.parentId ? this.repos.interactions.reply(me.userId, input.parentId) : null;
		if (input.parentId && parent?.postId !== postId) return 'not_found';
		// Never more visible than what it answers.
		const capped = [input.visibility ?? post.visibility, post.visibility, parent?.visibility];
		const visibility = capped.includes('followers') ? 'followers' : 'public';
		const id = newReplyId();
		this.repos.interactions.addReply({
			id,
			postId,
			parentId: parent?.id ?? null,
			authorId: me.userId,
			text: input.text,
			visibility,
			createdAt: Date.now()
		});
		const message: PushMessage = {
			type: 'reply',
			title: 'New reply',
			body: `${name(me)}: ${excerpt(input.text)}`,
			url: `/posts/${postId}`
		};
		const told = new Set([me.userId]);
		const parentAuthor = parent ? this.repos.profiles.byHandle(parent.author.handle)?.userId : null;
		for (const userId of [post.authorId, parentAuthor]) {
			if (!userId || told.has(userId)) continue;
			told.add(userId);
			// Only someone who may read the reply is told about it.
			if (!this.repos.interactions.reply(userId, id)) continue;
			this.#notify({ userId, type: 'reply', actorId: me.userId, postId, replyId: id }, message);
		}
		return this.repos.interactions.reply(me.userId, id)!;
	}

	/** The one rule for every interaction: nobody an author blocked may like or answer them. */
	#isBlockedBy(authorId: string, me: ProfileRow): boolean {
		return this.repos.relations.relationship(me.userId, authorId).blockedBy;
	}

	/** Called after a store published posts for the first time: alerts who asked for them. */
	postsPublished(authorId: string, postIds: readonly string[], now = Date.now()): void {
		const author = this.repos.profiles.byId(authorId);
		if (!author || postIds.length === 0) return;
		const followers = this.repos.relations.alertedFollowers(authorId);
		for (const postId of postIds) {
			for (const follower of followers) {
				const post = this.repos.interactions.post(follower, postId);
				if (!post || now - post.createdAt > ALERT_RECENT_MS) continue;
				this.#notify(
					{ userId: follower, type: 'post', actorId: authorId, postId },
					{
						type: 'post',
						title: `New post by ${name(author)}`,
						body: excerpt(post.text),
						url: `/posts/${postId}`
					}
				);
			}
		}
	}

	notifications(
		viewer: string,
		before?: number
	): {
		notifications: AppNotification[];
		unread: number;
		next: string | null;
	} {
		const list = this.repos.notifications.list(
			viewer,
			before ?? Number.MAX_SAFE_INTEGER,
			PAGE_SIZE + 1
		);
		const shown = list.slice(0, PAGE_SIZE);
		return {
			notifications: shown,
			unread: this.repos.notifications.unread(viewer),
			next: list.length > PAGE_SIZE ? String(shown.at(-1)!.id) : null
		};
	}

	markRead(viewer: string, upTo: number): void {
		this.repos.notifications.markRead(viewer, upTo);
	}

	saveProfile(me: ProfileRow, input: ProfileInput): void {
		this.repos.profiles.save(me.userId, input);
	}

	#notify(notification: Parameters<NotificationsRepository['add']>[0], message: PushMessage): void {
		this.repos.notifications.add(notification);
		this.push.deliver(notification.userId, message);
	}
}

export const PAGE_SIZE = 20;

function page(posts: VisiblePost[]): FeedPage {
	const shown = posts.slice(0, PAGE_SIZE);
	const last = shown.at(-1);
	return {
		posts: shown.map(publicShape),
		next: posts.length > PAGE_SIZE && last ? formatPostCursor(last) : null
	};
}

/** The author's user id stays on the server. */
function publicShape({ authorId, ...post }: VisiblePost) {
	void authorId;
	return post;
}

const name = (profile: ProfileRow) => profile.displayName || `@${profile.handle}`;
const excerpt = (text: string) =>
	text.length > PUSH_BODY_CHARS ? `${text.slice(0, PUSH_BODY_CHARS - 1)}…` : text;
