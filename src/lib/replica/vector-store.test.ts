import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newThoughtId, type ThoughtId, type UserId } from '$sync/ids';
import { loadVectors, vectorCounts } from './vector-store';
import { toBlock, type StoredVector } from './vector-block';
import { ViewDb, type ThoughtRow } from './view-db';
import { toRow, writeRows } from './view-store';

const MODEL = 'm';
const fields = { createdAt: 1000, visibility: 'private', pinned: false } as const;

let db: ViewDb;
let n = 0;

beforeEach(() => {
	db = new ViewDb(`vectors${++n}` as UserId);
});
afterEach(() => db.close());

function row(text: string, id = newThoughtId()): ThoughtRow {
	return toRow({ id, text, ...fields }, 0);
}

function entry(of: ThoughtRow, value: number): StoredVector {
	return { id: of.id, hash: of.hash, vector: new Float32Array([value, value]) };
}

async function writeViewRows(put: ThoughtRow[], remove: ThoughtId[] = []): Promise<void> {
	await db.transaction('rw', db.thoughts, db.tallies, () => writeRows(db, put, remove));
}

/** One block holding each row's entry, valued by its position. */
const blockOf = (rows: ThoughtRow[]) =>
	toBlock(
		MODEL,
		rows.map((r, i) => entry(r, i))
	);

async function live(): Promise<Map<ThoughtId, number>> {
	const { vectors } = await loadVectors(db, MODEL);
	return new Map(vectors.map(({ id, vector }) => [id, vector[0]]));
}

describe('vector store', () => {
	it('loads the latest entry of each thought, per model', async () => {
		const [a, b] = [row('a'), row('b')];
		await writeViewRows([a, b]);
		await db.vectorBlocks.add(toBlock(MODEL, [entry(a, 1), entry(b, 2)]));
		await db.vectorBlocks.add(toBlock(MODEL, [entry(a, 3)]));
		await db.vectorBlocks.add(toBlock('other', [entry(b, 9)]));
		expect(await live()).toEqual(
			new Map([
				[a.id, 3],
				[b.id, 2]
			])
		);
	});

	it('ignores entries whose thought changed or is gone', async () => {
		const [kept, edited, gone] = [row('kept'), row('before'), row('gone')];
		await writeViewRows([kept, edited, gone]);
		await db.vectorBlocks.add(toBlock(MODEL, [entry(kept, 1), entry(edited, 2), entry(gone, 3)]));
		await writeViewRows([row('after', edited.id)], [gone.id]);
		expect(await live()).toEqual(new Map([[kept.id, 1]]));
	});

	it('compacts when most entries are dead, keeping the live ones in one block', async () => {
		const rows = [row('a'), row('b'), row('c'), row('d')];
		await writeViewRows(rows);
		await db.vectorBlocks.add(blockOf(rows));
		await db.vectorBlocks.add(toBlock(MODEL, [entry(rows[0], 10)]));
		await db.vectorBlocks.add(toBlock(MODEL, [entry(rows[1], 11)]));
		await writeViewRows([], [rows[3].id]);
		const before = await live();
		const blocks = await db.vectorBlocks.toArray();
		expect(blocks).toHaveLength(1);
		expect([...blocks[0].ids].sort()).toEqual(
			rows
				.slice(0, 3)
				.map((r) => r.id)
				.sort()
		);
		expect(await live()).toEqual(before);
		expect(before.get(rows[0].id)).toBe(10);
		expect(await vectorCounts(db)).toEqual([{ model: MODEL, count: 3, dims: 2 }]);
	});

	it('leaves blocks alone while little is dead', async () => {
		const rows = [row('a'), row('b'), row('c'), row('d'), row('e')];
		await writeViewRows(rows);
		await db.vectorBlocks.add(blockOf(rows));
		await db.vectorBlocks.add(toBlock(MODEL, [entry(rows[0], 10)]));
		await live();
		expect(await vectorCounts(db)).toEqual([{ model: MODEL, count: 6, dims: 2 }]);
	});

	it('does not compact over a block written since the load', async () => {
		const [a, b] = [row('a'), row('b')];
		await writeViewRows([a, b]);
		await db.vectorBlocks.add(toBlock(MODEL, [entry(a, 1), entry(b, 2)]));
		await writeViewRows([], [b.id]);
		const write = db.vectorBlocks.add(toBlock(MODEL, [entry(a, 5)]));
		const loading = loadVectors(db, MODEL);
		await Promise.all([write, loading]);
		expect(await live()).toEqual(new Map([[a.id, 5]]));
	});
});

describe('view store upgrade', () => {
	it('moves vectors from a row per thought into blocks per model', async () => {
		const name = `legacy${++n}`;
		const old = new Dexie(`t10x-view:${name}`);
		old.version(4).stores({
			thoughts: 'id, shard, createdAt, [pinned+createdAt], *tagIndex',
			checkpoints: 'shard',
			drafts: 'key',
			pending: 'id, shard, seq',
			vectors: '[id+model], model',
			inferences: '++seq, at',
			tallies: 'key'
		});
		const [a, b] = [row('a'), row('b')];
		await old.table('thoughts').bulkPut([a, b]);
		await old.table('vectors').bulkPut([
			{ model: MODEL, ...entry(a, 1) },
			{ model: MODEL, ...entry(b, 2) },
			{ model: 'other', ...entry(a, 3) }
		]);
		old.close();

		const upgraded = new ViewDb(name as UserId);
		try {
			expect(upgraded.tables.map((t) => t.name)).not.toContain('vectors');
			const { vectors } = await loadVectors(upgraded, MODEL);
			expect(new Map(vectors.map((v) => [v.id, [...v.vector]]))).toEqual(
				new Map([
					[a.id, [1, 1]],
					[b.id, [2, 2]]
				])
			);
			expect(await upgraded.vectorBlocks.count()).toBe(2);
		} finally {
			upgraded.close();
		}
	});
});
