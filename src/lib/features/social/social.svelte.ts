import type { FeedPost, Reply } from '$sync/protocol/social';
import { Outbox } from './outbox.svelte';

let current: { userId: string; outbox: Outbox } | null = null;

/** The signed-in person's outbox; a new one when the account changes. */
export function outboxFor(userId: string): Outbox {
	if (current?.userId !== userId) {
		current?.outbox.close();
		current = { userId, outbox: new Outbox(userId) };
	}
	return current.outbox;
}

/** Likes at once on screen; the outbox delivers it, now or when back online. */
export function toggleLike(outbox: Outbox, post: FeedPost): void {
	const liked = !post.likedByMe;
	post.likedByMe = liked;
	post.likeCount += liked ? 1 : -1;
	void outbox.add({
		method: liked ? 'POST' : 'DELETE',
		path: `/api/posts/${post.id}/like`,
		label: `${liked ? 'Like' : 'Unlike'} @${post.author.handle}`
	});
}

/** A reply shown as pending until the thread is read again from the server. */
export function sendReply(
	outbox: Outbox,
	post: FeedPost,
	text: string,
	me: string,
	parentId: string | null = null
): Reply {
	void outbox.add({
		method: 'POST',
		path: `/api/posts/${post.id}/replies`,
		body: parentId ? { text, parentId } : { text },
		label: `Reply to @${post.author.handle}`
	});
	post.replyCount++;
	return {
		id: `pending-${Date.now()}`,
		postId: post.id,
		parentId,
		author: { handle: me, displayName: '', hasAvatar: false },
		text,
		visibility: post.visibility,
		createdAt: Date.now()
	};
}
