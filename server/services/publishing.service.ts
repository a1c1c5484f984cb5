import type * as Y from 'yjs';
import { parseDocName } from '../../sync/doc-names';
import { listThoughts } from '../../sync/doc/shard-doc';
import type { PostsRepository, PublishedThought } from '../db/posts.repository';

/** Longer thoughts stay private: a post page is for something short, and it bounds the table. */
export const MAX_POST_CHARS = 10_000;

/**
 * Publishing: after the relay stores a user's shard document, its public and followers-only
 * thoughts are materialised into `posts`, and whatever it no longer publishes is removed.
 */
export class PublishingService {
	constructor(
		private readonly posts: PostsRepository,
		private readonly published: (authorId: string, postIds: string[]) => void = () => {}
	) {}

	documentStored(documentName: string, document: Y.Doc): void {
		const name = parseDocName(documentName);
		if (name?.kind !== 'shard') return;
		const published: PublishedThought[] = [];
		for (const thought of listThoughts(document)) {
			if (thought.visibility === 'private' || thought.text.length > MAX_POST_CHARS) continue;
			published.push({
				id: thought.id,
				visibility: thought.visibility,
				text: thought.text,
				createdAt: thought.createdAt
			});
		}
		const { addedIds } = this.posts.replaceForDocument(documentName, name.userId, published);
		if (addedIds.length > 0) this.published(name.userId, addedIds);
	}
}
