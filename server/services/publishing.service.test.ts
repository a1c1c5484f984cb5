import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { addThought, migrateShard } from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type UserId } from '../../sync/ids';
import { supportedSchemaVersion } from '../../sync/protocol/version';
import type { PostsRepository } from '../db/posts.repository';
import { PublishingService } from './publishing.service';

const name = shardDocName('ana' as UserId, 0);

/** A shard holding one public thought, at the given schema version. */
function shardAt(version: number): { doc: Y.Doc; id: string } {
	const doc = new Y.Doc();
	migrateShard(doc);
	doc.getMap('meta').set('schemaVersion', version);
	const id = newThoughtId();
	addThought(doc, id, { text: 'hello', createdAt: 1, visibility: 'public', pinned: false });
	return { doc, id };
}

function publishing() {
	const replaceForDocument = vi.fn(() => ({
		addedIds: [],
		refusedIds: [],
		added: 0,
		changed: 0,
		removed: 0
	}));
	const skipped = vi.fn();
	const service = new PublishingService({ replaceForDocument } as unknown as PostsRepository, {
		skipped
	});
	return { service, replaceForDocument, skipped };
}

describe('PublishingService', () => {
	it('materialises the public thoughts of a shard it understands', () => {
		const { service, replaceForDocument, skipped } = publishing();
		const { doc, id } = shardAt(supportedSchemaVersion('shard'));
		service.documentStored(name, doc);
		expect(replaceForDocument).toHaveBeenCalledWith(name, 'ana', [
			expect.objectContaining({ id, visibility: 'public', text: 'hello' })
		]);
		expect(skipped).not.toHaveBeenCalled();
	});

	it('does not read a shard with a newer schema, leaves its posts alone, and says why', () => {
		const { service, replaceForDocument, skipped } = publishing();
		const supported = supportedSchemaVersion('shard');
		service.documentStored(name, shardAt(supported + 1).doc);
		expect(replaceForDocument).not.toHaveBeenCalled();
		expect(skipped).toHaveBeenCalledWith(
			name,
			`schema ${supported + 1} is newer than ${supported}, the newest this server reads`
		);
	});
});
