import type * as Y from 'yjs';
import { parseDocName } from '../../sync/doc-names';
import { listThoughts } from '../../sync/doc/shard-doc';
import { publishedTime } from '../../sync/time';
import { newerSchema } from '../../sync/protocol/version';
import type { PostsRepository, PublishedThought } from '../db/posts.repository';

/** Longer thoughts stay private: a post page is for something short, and it bounds the table. */
export const MAX_POST_CHARS = 10_000;

/**
 * Publishing: after the relay stores a user's shard document, its public and followers-only
 * thoughts are materialised into `posts`, and whatever it no longer publishes is removed.
 */
export interface PublishingEvents {
	/** Posts published for the first time (followers who asked are alerted). */
	published?(authorId: string, postIds: string[]): void;
	/** A shard was not read because a newer build wrote it; its posts stay as they were. */
	skipped?(documentName: string, reason: string): void;
	/** Thought ids another user published first: those posts were refused, not taken over. */
	refused?(documentName: string, postIds: string[]): void;
}

export class PublishingService {
	constructor(
		private readonly posts: PostsRepository,
		private readonly events: PublishingEvents = {}
	) {}

	documentStored(documentName: string, document: Y.Doc, now = Date.now()): void {
		const name = parseDocName(documentName);
		if (name?.kind !== 'shard') return;
		// What a newer schema means is unknown here: reading it could publish a private thought.
		const newer = newerSchema('shard', document);
		if (newer) {
			return this.events.skipped?.(
				documentName,
				`schema ${newer.version} is newer than ${newer.supported}, the newest this server reads`
			);
		}
		const published: PublishedThought[] = [];
		for (const thought of listThoughts(document)) {
			// A thought in the trash is withdrawn: its post goes at this store, and returns on restore.
			if (thought.deletedAt !== null || thought.visibility === 'private') continue;
			if (thought.text.length > MAX_POST_CHARS) continue;
			published.push({
				id: thought.id,
				visibility: thought.visibility,
				text: thought.text,
				createdAt: publishedTime(thought.createdAt, now)
			});
		}
		const outcome = this.posts.replaceForDocument(documentName, name.userId, published);
		if (outcome.addedIds.length > 0) this.events.published?.(name.userId, outcome.addedIds);
		if (outcome.refusedIds.length > 0) this.events.refused?.(documentName, outcome.refusedIds);
	}
}
