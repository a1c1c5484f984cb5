import type * as Y from 'yjs';
import {
	TRASH_RETENTION_MS,
	readThought,
	removeThought,
	removeTrashed,
	restoreThought,
	type StoredThought
} from '$sync/doc/shard-doc';
import type { ThoughtId } from '$sync/ids';
import { ReplicaError } from './replica-error';
import type { SchemaGuard } from './schema-guard';
import { LOCAL_EDIT, type ShardSet } from './shard-set';
import type { ViewDb } from './view-db';

/** What undo needs to bring a deleted thought back exactly as it was (even if purged since). */
export interface RemovedThought {
	thought: StoredThought;
	shard: number;
}

/**
 * "Recently deleted": thoughts the person deleted stay whole in their shard, marked with the time
 * (`deletedAt`), for 30 days. The view lists them in its `trash` table; from there they are
 * restored, removed for good one by one or all at once, or removed when older than 30 days by
 * whichever device opens first (removal is idempotent, so devices that do it together agree).
 */
export class ReplicaTrash {
	readonly #view: ViewDb;
	readonly #shards: ShardSet;
	readonly #guard: SchemaGuard;

	constructor(view: ViewDb, shards: ShardSet, guard: SchemaGuard) {
		this.#view = view;
		this.#shards = shards;
		this.#guard = guard;
	}

	/** Brings a trashed thought back into the timeline exactly as it was. */
	async restore(id: ThoughtId): Promise<void> {
		await this.#writeTo(await this.#shardOf(id), (doc) => restoreThought(doc, id, LOCAL_EDIT));
	}

	/** Removes one trashed thought for good; a thought that is live again is left alone. */
	async deleteForever(id: ThoughtId): Promise<void> {
		await this.#writeTo(await this.#shardOf(id), (doc) => {
			if (readThought(doc, id)?.deletedAt != null) removeThought(doc, id, LOCAL_EDIT);
		});
	}

	/** Empties the trash: every thought in it is removed for good. Returns how many. */
	empty(): Promise<number> {
		return this.#removeTrashedBefore(Infinity);
	}

	/** Removes for good what has been in the trash longer than 30 days. Returns how many. */
	purgeExpired(now = Date.now()): Promise<number> {
		return this.#removeTrashedBefore(now - TRASH_RETENTION_MS);
	}

	/** The purge a replica runs once per session; it never rejects (the next session retries). */
	async sweep(): Promise<void> {
		if (this.#guard.isReadOnly) return;
		await this.purgeExpired().catch((error: unknown) => {
			console.error('Old thoughts could not be removed from the trash', error);
		});
	}

	/** Only the shards the view lists trash in are opened: the trash is usually small or empty. */
	async #removeTrashedBefore(cutoff: number): Promise<number> {
		const rows = await this.#view.trash.where('deletedAt').below(cutoff).toArray();
		let removed = 0;
		for (const shard of new Set(rows.map((row) => row.shard))) {
			await this.#writeTo(shard, (doc) => {
				removed += removeTrashed(doc, cutoff, LOCAL_EDIT).length;
			});
		}
		return removed;
	}

	async #shardOf(id: ThoughtId): Promise<number> {
		const shard = (await this.#shards.findOpen(id)) ?? (await this.#view.trash.get(id))?.shard;
		if (shard === undefined)
			throw new ReplicaError('not-found', 'That thought is not in the trash.');
		return shard;
	}

	/** Writes to a shard, then closes it again unless it is the open one; the view is updated. */
	async #writeTo(shard: number, write: (doc: Y.Doc) => void): Promise<void> {
		await this.#shards.visit(shard, async () => write(await this.#shards.docForWrite(shard)));
	}
}
