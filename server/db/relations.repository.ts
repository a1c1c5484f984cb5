import type Database from 'better-sqlite3';
import type { Relationship } from '../../sync/protocol/social';

/** Follows, blocks and mutes between users. Blocking removes follows both ways. */
export class RelationsRepository {
	readonly #follow: Database.Statement<[string, string, number, number, number]>;
	readonly #unfollow: Database.Statement<[string, string]>;
	readonly #block: (blocker: string, blocked: string, now: number) => void;
	readonly #unblock: Database.Statement<[string, string]>;
	readonly #mute: Database.Statement<[string, string, number]>;
	readonly #unmute: Database.Statement<[string, string]>;
	readonly #relationship: Database.Statement<[Record<string, string>], Record<string, number>>;
	readonly #counts: Database.Statement<[string, string], { followers: number; following: number }>;
	readonly #list: Record<
		'followers' | 'following',
		Database.Statement<[string, number], { id: string }>
	>;
	readonly #alerted: Database.Statement<[string], { follower_id: string }>;

	constructor(sqlite: Database.Database) {
		this.#follow = sqlite.prepare(
			`INSERT INTO follows (follower_id, followee_id, notify_posts, created_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT DO UPDATE SET notify_posts = ?`
		);
		this.#unfollow = sqlite.prepare(
			'DELETE FROM follows WHERE follower_id = ? AND followee_id = ?'
		);
		const insertBlock = sqlite.prepare(
			'INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'
		);
		const dropFollows = sqlite.prepare(
			`DELETE FROM follows WHERE (follower_id = ? AND followee_id = ?)
			 OR (follower_id = ? AND followee_id = ?)`
		);
		this.#block = sqlite.transaction((blocker: string, blocked: string, now: number) => {
			insertBlock.run(blocker, blocked, now);
			dropFollows.run(blocker, blocked, blocked, blocker);
		});
		this.#unblock = sqlite.prepare('DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?');
		this.#mute = sqlite.prepare(
			'INSERT INTO mutes (muter_id, muted_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'
		);
		this.#unmute = sqlite.prepare('DELETE FROM mutes WHERE muter_id = ? AND muted_id = ?');
		this.#relationship = sqlite.prepare(`SELECT
			EXISTS (SELECT 1 FROM follows WHERE follower_id = @me AND followee_id = @them) AS following,
			EXISTS (SELECT 1 FROM follows WHERE follower_id = @them AND followee_id = @me) AS followedBy,
			COALESCE((SELECT notify_posts FROM follows WHERE follower_id = @me AND followee_id = @them), 0) AS notifyPosts,
			EXISTS (SELECT 1 FROM blocks WHERE blocker_id = @me AND blocked_id = @them) AS blocking,
			EXISTS (SELECT 1 FROM blocks WHERE blocker_id = @them AND blocked_id = @me) AS blockedBy,
			EXISTS (SELECT 1 FROM mutes WHERE muter_id = @me AND muted_id = @them) AS muting`);
		this.#counts = sqlite.prepare(`SELECT
			(SELECT count(*) FROM follows WHERE followee_id = ?) AS followers,
			(SELECT count(*) FROM follows WHERE follower_id = ?) AS following`);
		this.#list = {
			followers: sqlite.prepare(
				'SELECT follower_id AS id FROM follows WHERE followee_id = ? ORDER BY created_at DESC LIMIT ?'
			),
			following: sqlite.prepare(
				'SELECT followee_id AS id FROM follows WHERE follower_id = ? ORDER BY created_at DESC LIMIT ?'
			)
		};
		this.#alerted = sqlite.prepare(
			'SELECT follower_id FROM follows WHERE followee_id = ? AND notify_posts = 1'
		);
	}

	/** Returns false when a block (either way) forbids it. Following again updates the alert. */
	follow(follower: string, followee: string, notifyPosts: boolean, now = Date.now()): boolean {
		const relation = this.relationship(follower, followee);
		if (relation.blocking || relation.blockedBy) return false;
		const flag = notifyPosts ? 1 : 0;
		this.#follow.run(follower, followee, flag, now, flag);
		return true;
	}

	unfollow(follower: string, followee: string): boolean {
		return this.#unfollow.run(follower, followee).changes > 0;
	}

	block(blocker: string, blocked: string, now = Date.now()): void {
		this.#block(blocker, blocked, now);
	}

	unblock(blocker: string, blocked: string): void {
		this.#unblock.run(blocker, blocked);
	}

	mute(muter: string, muted: string, now = Date.now()): void {
		this.#mute.run(muter, muted, now);
	}

	unmute(muter: string, muted: string): void {
		this.#unmute.run(muter, muted);
	}

	relationship(me: string, them: string): Relationship & { blockedBy: boolean } {
		const row = this.#relationship.get({ me, them })!;
		return {
			following: row.following === 1,
			followedBy: row.followedBy === 1,
			notifyPosts: row.notifyPosts === 1,
			blocking: row.blocking === 1,
			blockedBy: row.blockedBy === 1,
			muting: row.muting === 1
		};
	}

	counts(userId: string): { followers: number; following: number } {
		return this.#counts.get(userId, userId)!;
	}

	list(userId: string, which: 'followers' | 'following', limit: number): string[] {
		return this.#list[which].all(userId, limit).map((row) => row.id);
	}

	/** Followers who asked to be alerted about each new post of `author`. */
	alertedFollowers(author: string): string[] {
		return this.#alerted.all(author).map((row) => row.follower_id);
	}
}
