import {
	SHARD_CAPACITY,
	addThought,
	listThoughts,
	thoughtCount,
	type Thought
} from '$sync/doc/shard-doc';
import type { ThoughtId } from '$sync/ids';
import { LOCAL_EDIT, type ShardSet } from './shard-set';
import { clearRows, materialiseShard } from './view-store';
import type { ViewDb } from './view-db';

export interface ImportOutcome {
	added: number;
	skipped: number;
}

export type Progress = (done: number, total: number) => void;

/** What the operations over every thought of a replica work on. */
export interface BulkTarget {
	readonly view: ViewDb;
	readonly shards: ShardSet;
	/** Resolves once every change seen so far is in the view. */
	flush(): Promise<void>;
}

/** Thoughts written per transaction: big enough to be quick, small enough to show progress. */
const IMPORT_CHUNK = 250;

/**
 * Adds the thoughts whose ids are new here, oldest first, opening new shards as they fill. A
 * thought in the trash counts as here: importing it again does not bring it back.
 */
export async function importThoughts(
	{ view, shards, flush }: BulkTarget,
	thoughts: readonly Thought[],
	onProgress?: Progress
): Promise<ImportOutcome> {
	// The view must have every change seen so far, or a thought not materialised yet reads as new.
	await flush();
	const ids = thoughts.map((t) => t.id);
	const [live, trashed] = await Promise.all([view.thoughts.bulkGet(ids), view.trash.bulkGet(ids)]);
	const fresh = new Map<ThoughtId, Thought>();
	thoughts.forEach((t, i) => {
		if (!live[i] && !trashed[i] && !fresh.has(t.id)) fresh.set(t.id, t);
	});
	const queue = [...fresh.values()].sort((a, b) => a.createdAt - b.createdAt);
	let done = 0;
	while (done < queue.length) {
		const doc = await shards.docForWrite(await shards.withRoom());
		const room = SHARD_CAPACITY - thoughtCount(doc);
		const chunk = queue.slice(done, done + Math.min(room, IMPORT_CHUNK));
		doc.transact(() => {
			for (const thought of chunk) addThought(doc, thought.id, thought);
		}, LOCAL_EDIT);
		done += chunk.length;
		await flush();
		onProgress?.(done, queue.length);
	}
	await shards.closeInactive();
	return { added: queue.length, skipped: thoughts.length - queue.length };
}

/**
 * Every live thought, read from the docs themselves (the source of truth), oldest first. The
 * trash is left out: an export holds what the person keeps.
 */
export async function readAllThoughts(shards: ShardSet, onProgress?: Progress): Promise<Thought[]> {
	const numbers = shards.numbers;
	const all: Thought[] = [];
	for (const [i, n] of numbers.entries()) {
		all.push(...listThoughts(await shards.doc(n)).filter((t) => t.deletedAt === null));
		onProgress?.(i + 1, numbers.length);
	}
	await shards.closeInactive();
	return all.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

/** Clears the view and materialises it again from every shard. */
export async function rebuildView(
	{ view, shards, flush }: BulkTarget,
	onProgress?: Progress
): Promise<void> {
	await flush();
	const { thoughts, trash, checkpoints, tallies } = view;
	await view.transaction('rw', [thoughts, trash, checkpoints, tallies], async () => {
		await clearRows(view);
		await checkpoints.clear();
	});
	const numbers = shards.numbers;
	for (const [i, n] of numbers.entries()) {
		await materialiseShard(view, n, await shards.doc(n));
		onProgress?.(i + 1, numbers.length);
	}
	await shards.closeInactive();
}
