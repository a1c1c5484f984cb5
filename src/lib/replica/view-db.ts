import Dexie, { type Table } from 'dexie';
import type { InferenceRecord } from '$lib/ai/inference-record';
import type { Visibility } from '$sync/doc/shard-doc';
import type { ThoughtId, UserId } from '$sync/ids';
import { toBlocks, type StoredVector, type VectorBlock } from './vector-block';

/**
 * The device database: everything this device derives from the docs or keeps for itself
 * (thoughts as rows, vectors, the inference log, drafts, tallies, checkpoints, pending marks).
 * The thought rows can always be rebuilt from the docs.
 */
export interface ThoughtRow {
	id: ThoughtId;
	shard: number;
	text: string;
	/** Tags as written in the text. */
	tags: string[];
	/** Tags plus their ancestors (`a/b` → `a`, `a/b`), for filtering. */
	tagIndex: string[];
	createdAt: number;
	/** 1 or 0: IndexedDB cannot index booleans. */
	pinned: 0 | 1;
	visibility: Visibility;
	hash: string;
}

/** A thought in the trash: out of the timeline, search, tallies and AI, listed on its own. */
export interface TrashRow extends ThoughtRow {
	/** When it was moved to the trash (ms); it is removed for good 30 days later. */
	deletedAt: number;
}

/**
 * What a view write did: each changed thought's row now, or null where it has gone, to the trash
 * too (timeline, search and AI drop it; its row is then in `trash`).
 */
export type ViewChanges = ReadonlyMap<ThoughtId, ThoughtRow | null>;

/** The shard state the view last materialised, and whether a session edited it since. */
export interface ShardCheckpoint {
	shard: number;
	/** State vector plus delete set: a deletion changes no state vector, only the delete set. */
	state: Uint8Array;
	dirty: boolean;
}

/** Text typed but not saved yet, by the place it was typed in. */
export interface Draft {
	key: string;
	text: string;
}

/** A thought changed on this device that the relay has not acknowledged yet. */
export interface PendingMark {
	id: ThoughtId;
	shard: number;
	/** Increases with every local change; the relay's acknowledgement clears marks up to one. */
	seq: number;
}

/**
 * How many thoughts carry a tag (ancestors count their descendants' thoughts), or how many
 * thoughts there are in all under `ALL_THOUGHTS`. Written in the same transaction as the rows,
 * so the timeline reads counts without walking 50,000 rows or their tag index.
 */
export interface Tally {
	key: string;
	count: number;
}

/** The tally key of the total (no tag is empty). */
export const ALL_THOUGHTS = '';

/** Adds (1) or takes away (-1) one row's share of the tallies. */
export function tallyRow(counts: Map<string, number>, row: ThoughtRow, by: 1 | -1): void {
	for (const key of [ALL_THOUGHTS, ...row.tagIndex]) counts.set(key, (counts.get(key) ?? 0) + by);
}

export class ViewDb extends Dexie {
	thoughts!: Table<ThoughtRow, ThoughtId>;
	checkpoints!: Table<ShardCheckpoint, number>;
	drafts!: Table<Draft, string>;
	pending!: Table<PendingMark, ThoughtId>;
	vectorBlocks!: Table<VectorBlock, number>;
	inferences!: Table<InferenceRecord, number>;
	tallies!: Table<Tally, string>;
	trash!: Table<TrashRow, ThoughtId>;

	constructor(userId: UserId) {
		super(`t10x-view:${userId}`);
		this.version(1).stores({
			thoughts: 'id, shard, createdAt, [pinned+createdAt], *tagIndex',
			checkpoints: 'shard',
			drafts: 'key'
		});
		this.version(2).stores({ pending: 'id, shard, seq' });
		this.version(3).stores({ vectors: '[id+model], model', inferences: '++seq, at' });
		this.version(4)
			.stores({ tallies: 'key' })
			.upgrade(async (tx) => {
				const counts = new Map<string, number>();
				await tx.table<ThoughtRow>('thoughts').each((row) => tallyRow(counts, row, 1));
				const tallies = [...counts].map(([key, count]) => ({ key, count }));
				await tx.table<Tally>('tallies').bulkPut(tallies);
			});
		// Moves existing vectors into blocks: dropping them would re-embed every thought, slowly with
		// a transformer model.
		this.version(5)
			.stores({ vectors: null, vectorBlocks: '++key, model, [model+size]' })
			.upgrade(async (tx) => {
				const byModel = new Map<string, StoredVector[]>();
				await tx.table<StoredVector & { model: string }>('vectors').each(({ model, ...entry }) => {
					const entries = byModel.get(model) ?? [];
					entries.push(entry);
					byModel.set(model, entries);
				});
				const blocks = [...byModel].flatMap(([model, entries]) => toBlocks(model, entries));
				await tx.table<VectorBlock>('vectorBlocks').bulkAdd(blocks);
			});
		// A build that did not know the trash wrote trashed thoughts as live rows; marking every
		// shard dirty makes the next start materialise each one again (once), into both tables.
		this.version(6)
			.stores({ trash: 'id, shard, deletedAt' })
			.upgrade(async (tx) => {
				await tx.table<ShardCheckpoint>('checkpoints').toCollection().modify({ dirty: true });
			});
	}
}
