/**
 * Who may see what, in one place: every query that returns posts, replies or notifications
 * includes these fragments, so the leak tests guard them all at once. `@viewer` is the reading
 * user's id, or '' for an anonymous reader (no user has that id).
 */

/** `author` may show followers-only content to @viewer: follows them, and is not blocked. */
export const mayFollowersSee = (author: string) => `(
	EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = @viewer AND f.followee_id = ${author})
	AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = ${author} AND b.blocked_id = @viewer)
)`;

/** The post `p` is visible to @viewer. */
export const POST_VISIBLE = `(
	p.visibility = 'public' OR p.user_id = @viewer OR ${mayFollowersSee('p.user_id')}
)`;

/**
 * The reply `r` to the visible post `p` is visible to @viewer: a reply is never more visible than
 * its post, and a followers-level one reaches the post author's followers; replies by people the
 * viewer or the post author blocked are hidden.
 */
export const REPLY_VISIBLE = `(
	(r.author_id = @viewer OR p.user_id = @viewer
		OR (r.visibility = 'public' AND p.visibility = 'public')
		OR ${mayFollowersSee('p.user_id')})
	AND NOT EXISTS (SELECT 1 FROM blocks b
		WHERE b.blocked_id = r.author_id AND b.blocker_id IN (@viewer, p.user_id))
)`;
