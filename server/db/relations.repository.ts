import { and, count, desc, eq, exists, or, sql, type SQL } from 'drizzle-orm';
import { param } from './param.sql';
import type { Relationship } from '../../sync/protocol/social';
import { excluded } from './excluded.sql';
import type { Db } from './open';
import { blocks, follows, mutes, users } from './schema';

/** Prepared once: profile pages and every social action read the relationship. */
function statements(db: Db) {
	const me = param('me');
	const them = param('them');
	/** Whether a row of the table matches: one edge between two users. */
	const has = (table: typeof follows | typeof blocks | typeof mutes, filter: SQL | undefined) =>
		exists(
			db
				.select({ one: sql`1` })
				.from(table)
				.where(filter)
		).mapWith(Boolean);
	return {
		follow: db
			.insert(follows)
			.values({
				followerId: param('follower'),
				followeeId: param('followee'),
				notifyPosts: param('notifyPosts'),
				createdAt: param('now')
			})
			.onConflictDoUpdate({
				target: [follows.followerId, follows.followeeId],
				set: { notifyPosts: excluded(follows.notifyPosts) }
			})
			.prepare(),
		unfollow: db
			.delete(follows)
			.where(
				and(eq(follows.followerId, param('follower')), eq(follows.followeeId, param('followee')))
			)
			.prepare(),
		insertBlock: db
			.insert(blocks)
			.values({ blockerId: param('blocker'), blockedId: param('blocked'), createdAt: param('now') })
			.onConflictDoNothing()
			.prepare(),
		dropFollows: db
			.delete(follows)
			.where(
				or(
					and(eq(follows.followerId, param('blocker')), eq(follows.followeeId, param('blocked'))),
					and(eq(follows.followerId, param('blocked')), eq(follows.followeeId, param('blocker')))
				)
			)
			.prepare(),
		unblock: db
			.delete(blocks)
			.where(and(eq(blocks.blockerId, param('blocker')), eq(blocks.blockedId, param('blocked'))))
			.prepare(),
		mute: db
			.insert(mutes)
			.values({ muterId: param('muter'), mutedId: param('muted'), createdAt: param('now') })
			.onConflictDoNothing()
			.prepare(),
		unmute: db
			.delete(mutes)
			.where(and(eq(mutes.muterId, param('muter')), eq(mutes.mutedId, param('muted'))))
			.prepare(),
		// Read beside the other user's row: follows, blocks and mutes reference users, so with no
		// such user there is no relation either.
		relationship: db
			.select({
				following: has(follows, and(eq(follows.followerId, me), eq(follows.followeeId, them))),
				followedBy: has(follows, and(eq(follows.followerId, them), eq(follows.followeeId, me))),
				notifyPosts: has(
					follows,
					and(eq(follows.followerId, me), eq(follows.followeeId, them), eq(follows.notifyPosts, 1))
				),
				blocking: has(blocks, and(eq(blocks.blockerId, me), eq(blocks.blockedId, them))),
				blockedBy: has(blocks, and(eq(blocks.blockerId, them), eq(blocks.blockedId, me))),
				muting: has(mutes, and(eq(mutes.muterId, me), eq(mutes.mutedId, them)))
			})
			.from(users)
			.where(eq(users.id, them))
			.prepare(),
		followers: db
			.select({ n: count() })
			.from(follows)
			.where(eq(follows.followeeId, param('userId')))
			.prepare(),
		following: db
			.select({ n: count() })
			.from(follows)
			.where(eq(follows.followerId, param('userId')))
			.prepare(),
		list: {
			followers: db
				.select({ id: follows.followerId })
				.from(follows)
				.where(eq(follows.followeeId, param('userId')))
				.orderBy(desc(follows.createdAt))
				.limit(param('limit'))
				.prepare(),
			following: db
				.select({ id: follows.followeeId })
				.from(follows)
				.where(eq(follows.followerId, param('userId')))
				.orderBy(desc(follows.createdAt))
				.limit(param('limit'))
				.prepare()
		},
		alerted: db
			.select({ id: follows.followerId })
			.from(follows)
			.where(and(eq(follows.followeeId, param('author')), eq(follows.notifyPosts, 1)))
			.prepare()
	};
}

const NO_RELATION = {
	following: false,
	followedBy: false,
	notifyPosts: false,
	blocking: false,
	blockedBy: false,
	muting: false
};

/** Follows, blocks and mutes between users. Blocking removes follows both ways. */
export class RelationsRepository {
	readonly #db: Db;
	readonly #statements: ReturnType<typeof statements>;

	constructor(db: Db) {
		this.#db = db;
		this.#statements = statements(db);
	}

	/** Returns false when a block (either way) forbids it. Following again updates the alert. */
	follow(follower: string, followee: string, notifyPosts: boolean, now = Date.now()): boolean {
		const relation = this.relationship(follower, followee);
		if (relation.blocking || relation.blockedBy) return false;
		this.#statements.follow.run({ follower, followee, notifyPosts: notifyPosts ? 1 : 0, now });
		return true;
	}

	unfollow(follower: string, followee: string): boolean {
		return this.#statements.unfollow.run({ follower, followee }).changes > 0;
	}

	block(blocker: string, blocked: string, now = Date.now()): void {
		const { insertBlock, dropFollows } = this.#statements;
		this.#db.transaction(() => {
			insertBlock.run({ blocker, blocked, now });
			dropFollows.run({ blocker, blocked });
		});
	}

	unblock(blocker: string, blocked: string): void {
		this.#statements.unblock.run({ blocker, blocked });
	}

	mute(muter: string, muted: string, now = Date.now()): void {
		this.#statements.mute.run({ muter, muted, now });
	}

	unmute(muter: string, muted: string): void {
		this.#statements.unmute.run({ muter, muted });
	}

	relationship(me: string, them: string): Relationship & { blockedBy: boolean } {
		return this.#statements.relationship.get({ me, them }) ?? { ...NO_RELATION };
	}

	counts(userId: string): { followers: number; following: number } {
		return {
			followers: this.#statements.followers.get({ userId })!.n,
			following: this.#statements.following.get({ userId })!.n
		};
	}

	list(userId: string, which: 'followers' | 'following', limit: number): string[] {
		return this.#statements.list[which].all({ userId, limit }).map((row) => row.id);
	}

	/** Followers who asked to be alerted about each new post of `author`. */
	alertedFollowers(author: string): string[] {
		return this.#statements.alerted.all({ author }).map((row) => row.id);
	}
}
