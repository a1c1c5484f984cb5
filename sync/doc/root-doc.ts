import type * as Y from 'yjs';
import { runMigrations, type Migration, type MigrationOutcome } from './migrations';
import { MAX_SHARD } from '../doc-names';
import { addEntryVersions } from './model-registry';

/**
 * The root doc lists the user's shards (shard number → creation time). The highest number is
 * the open shard that new thoughts go into. The map is top-level so that devices which create
 * it concurrently merge instead of overwriting each other. The root also holds the model registry
 * (`model-registry.ts`, `model-versions.ts`).
 */
const SHARDS = 'shards';

export const ROOT_MIGRATIONS: readonly Migration[] = [
	{
		// v1: every root lists at least shard 0.
		to: 1,
		up(doc) {
			const shards = doc.getMap<number>(SHARDS);
			if (!shards.has('0')) shards.set('0', 0);
		}
	},
	{
		// v2: the model registry holds versions; each embedder entry gets one, derived from it.
		to: 2,
		up: addEntryVersions
	}
];

export function migrateRoot(doc: Y.Doc): MigrationOutcome {
	return runMigrations(doc, ROOT_MIGRATIONS);
}

export function shardNumbers(doc: Y.Doc): number[] {
	const numbers: number[] = [];
	for (const key of doc.getMap(SHARDS).keys()) {
		const n = Number(key);
		// Past MAX_SHARD the relay refuses the name: a stray entry must not become the open shard.
		if (Number.isSafeInteger(n) && n >= 0 && n <= MAX_SHARD && String(n) === key) numbers.push(n);
	}
	return numbers.sort((a, b) => a - b);
}

export function openShardNumber(doc: Y.Doc): number {
	return shardNumbers(doc).at(-1) ?? 0;
}

/** Opens shard n (idempotent: two devices closing the same full shard agree on n). */
export function addShard(doc: Y.Doc, n: number, createdAt = Date.now()): void {
	if (n > MAX_SHARD) throw new RangeError(`No shard past ${MAX_SHARD}: this account is full`);
	const shards = doc.getMap<number>(SHARDS);
	if (!shards.has(String(n))) shards.set(String(n), createdAt);
}

/** Calls back whenever the shard list changes (locally or from another device). */
export function observeShards(doc: Y.Doc, onChange: () => void): () => void {
	const shards = doc.getMap(SHARDS);
	const handler = () => onChange();
	shards.observe(handler);
	return () => shards.unobserve(handler);
}
