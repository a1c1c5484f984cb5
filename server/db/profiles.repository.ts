import { and, asc, eq, gte, isNotNull, lt, notExists, sql } from 'drizzle-orm';
import { param } from './param.sql';
import type { AuthorSummary, ProfileInput } from '../../sync/protocol/social';
import { excluded } from './excluded.sql';
import type { Db } from './open';
import { blocks, profiles, users } from './schema';

export interface ProfileRow extends AuthorSummary {
	userId: string;
	bio: string;
}

/** Prepared once: every profile page, post page and signed-in request reads a profile. */
function statements(db: Db) {
	const select = () =>
		db
			.select({
				userId: users.id,
				handle: users.username,
				displayName: profiles.displayName,
				bio: profiles.bio,
				hasAvatar: isNotNull(profiles.avatar).mapWith(Boolean)
			})
			.from(users)
			.leftJoin(profiles, eq(profiles.userId, users.id));
	return {
		byHandle: select()
			.where(eq(users.username, param('handle')))
			.prepare(),
		byId: select()
			.where(eq(users.id, param('userId')))
			.prepare(),
		save: db
			.insert(profiles)
			.values({
				userId: param('userId'),
				displayName: param('displayName'),
				bio: param('bio'),
				updatedAt: param('now')
			})
			.onConflictDoUpdate({
				target: profiles.userId,
				set: {
					displayName: excluded(profiles.displayName),
					bio: excluded(profiles.bio),
					updatedAt: excluded(profiles.updatedAt)
				}
			})
			.prepare(),
		saveAvatar: db
			.insert(profiles)
			.values({
				userId: param('userId'),
				avatar: param('avatar'),
				avatarType: param('avatarType'),
				updatedAt: param('now')
			})
			.onConflictDoUpdate({
				target: profiles.userId,
				set: {
					avatar: excluded(profiles.avatar),
					avatarType: excluded(profiles.avatarType),
					updatedAt: excluded(profiles.updatedAt)
				}
			})
			.prepare(),
		avatar: db
			.select({ bytes: profiles.avatar, type: profiles.avatarType })
			.from(profiles)
			.innerJoin(users, eq(users.id, profiles.userId))
			.where(eq(users.username, param('handle')))
			.prepare(),
		search: peopleSearch(db).prepare()
	};
}

/**
 * People with a handle in [`from`, `to`), leaving out whoever blocked `me`. One range on
 * `users_username_unique` (a single lower bound, so SQLite cannot start the range anywhere
 * else), so the cost follows the page, not the number of users: see profiles-search.test.ts.
 */
export function peopleSearch(db: Db) {
	return db
		.select({
			handle: users.username,
			displayName: profiles.displayName,
			hasAvatar: isNotNull(profiles.avatar).mapWith(Boolean)
		})
		.from(users)
		.leftJoin(profiles, eq(profiles.userId, users.id))
		.where(
			and(
				gte(users.username, param('from')),
				lt(users.username, param('to')),
				notExists(
					db
						.select({ one: sql`1` })
						.from(blocks)
						.where(and(eq(blocks.blockerId, users.id), eq(blocks.blockedId, param('me'))))
				)
			)
		)
		.orderBy(asc(users.username))
		.limit(param('limit'));
}

/** Sorts after every handle that starts with the prefix: handles use only [a-z0-9_]. */
const PAST_HANDLE_CHARS = '~';
/** `x + JUST_AFTER` is the least string above `x`: no handle holds a NUL. */
const JUST_AFTER = '\u0000';

type Row = NonNullable<ReturnType<ReturnType<typeof statements>['byId']['get']>>;

/** Handles are usernames; display name, bio and avatar live in `profiles` (a row once edited). */
export class ProfilesRepository {
	readonly #statements: ReturnType<typeof statements>;

	constructor(db: Db) {
		this.#statements = statements(db);
	}

	byHandle(handle: string): ProfileRow | undefined {
		const row = this.#statements.byHandle.get({ handle });
		return row ? toProfile(row) : undefined;
	}

	byId(userId: string): ProfileRow | undefined {
		const row = this.#statements.byId.get({ userId });
		return row ? toProfile(row) : undefined;
	}

	save(userId: string, input: ProfileInput, now = Date.now()): void {
		this.#statements.save.run({ userId, displayName: input.displayName, bio: input.bio, now });
	}

	setAvatar(userId: string, image: { bytes: Buffer; type: string } | null, now = Date.now()): void {
		this.#statements.saveAvatar.run({
			userId,
			avatar: image?.bytes ?? null,
			avatarType: image?.type ?? null,
			now
		});
	}

	/** Up to `limit` people whose handle starts with `prefix`, in handle order, after `after`. */
	search(me: string, prefix: string, after: string, limit: number): AuthorSummary[] {
		const from = after && after >= prefix ? after + JUST_AFTER : prefix;
		return this.#statements.search
			.all({ me, from, to: prefix + PAST_HANDLE_CHARS, limit })
			.map(({ handle, displayName, hasAvatar }) => ({
				handle,
				displayName: displayName ?? '',
				hasAvatar
			}));
	}

	avatar(handle: string): { bytes: Buffer; type: string } | undefined {
		const row = this.#statements.avatar.get({ handle });
		return row?.bytes && row.type ? { bytes: row.bytes, type: row.type } : undefined;
	}
}

const toProfile = (row: Row): ProfileRow => ({
	userId: row.userId,
	handle: row.handle,
	displayName: row.displayName ?? '',
	bio: row.bio ?? '',
	hasAvatar: row.hasAvatar
});
