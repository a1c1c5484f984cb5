import type Database from 'better-sqlite3';
import type { AuthorSummary, ProfileInput } from '../../sync/protocol/social';

export interface ProfileRow extends AuthorSummary {
	userId: string;
	bio: string;
}

/** Handles are usernames; display name, bio and avatar live in `profiles` (a row once edited). */
export class ProfilesRepository {
	readonly #byHandle: Database.Statement<[string], Record<string, string | number>>;
	readonly #byId: Database.Statement<[string], Record<string, string | number>>;
	readonly #save: Database.Statement<[string, string, string, number]>;
	readonly #saveAvatar: Database.Statement<[string, Buffer | null, string | null, number]>;
	readonly #avatar: Database.Statement<
		[string],
		{ avatar: Buffer | null; avatar_type: string | null }
	>;

	constructor(sqlite: Database.Database) {
		const select = `SELECT u.id AS userId, u.username AS handle,
			COALESCE(p.display_name, '') AS displayName, COALESCE(p.bio, '') AS bio,
			p.avatar IS NOT NULL AS hasAvatar
			FROM users u LEFT JOIN profiles p ON p.user_id = u.id`;
		this.#byHandle = sqlite.prepare(`${select} WHERE u.username = ?`);
		this.#byId = sqlite.prepare(`${select} WHERE u.id = ?`);
		this.#save = sqlite.prepare(
			`INSERT INTO profiles (user_id, display_name, bio, updated_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT(user_id) DO UPDATE SET display_name = excluded.display_name,
			 bio = excluded.bio, updated_at = excluded.updated_at`
		);
		this.#saveAvatar = sqlite.prepare(
			`INSERT INTO profiles (user_id, avatar, avatar_type, updated_at) VALUES (?, ?, ?, ?)
			 ON CONFLICT(user_id) DO UPDATE SET avatar = excluded.avatar,
			 avatar_type = excluded.avatar_type, updated_at = excluded.updated_at`
		);
		this.#avatar = sqlite.prepare(
			'SELECT p.avatar, p.avatar_type FROM profiles p JOIN users u ON u.id = p.user_id WHERE u.username = ?'
		);
	}

	byHandle(handle: string): ProfileRow | undefined {
		const row = this.#byHandle.get(handle);
		return row ? toProfile(row) : undefined;
	}

	byId(userId: string): ProfileRow | undefined {
		const row = this.#byId.get(userId);
		return row ? toProfile(row) : undefined;
	}

	save(userId: string, input: ProfileInput, now = Date.now()): void {
		this.#save.run(userId, input.displayName, input.bio, now);
	}

	setAvatar(userId: string, image: { bytes: Buffer; type: string } | null, now = Date.now()): void {
		this.#saveAvatar.run(userId, image?.bytes ?? null, image?.type ?? null, now);
	}

	avatar(handle: string): { bytes: Buffer; type: string } | undefined {
		const row = this.#avatar.get(handle);
		return row?.avatar && row.avatar_type
			? { bytes: row.avatar, type: row.avatar_type }
			: undefined;
	}
}

const toProfile = (row: Record<string, string | number>): ProfileRow => ({
	userId: String(row.userId),
	handle: String(row.handle),
	displayName: String(row.displayName),
	bio: String(row.bio),
	hasAvatar: row.hasAvatar === 1
});
