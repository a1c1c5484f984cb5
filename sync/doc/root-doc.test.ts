import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MAX_SHARD } from '../doc-names';
import { addShard, openShardNumber, shardNumbers } from './root-doc';

describe('root doc shard list', () => {
	it('ignores a stray shard number past the cap, so new thoughts never go where the relay refuses', () => {
		const doc = new Y.Doc();
		addShard(doc, 0);
		addShard(doc, 1);
		// As a bug, a peer or an older build (whose cap was a million) could have written it.
		doc.getMap('shards').set(String(MAX_SHARD + 1), Date.now());
		expect(shardNumbers(doc)).toEqual([0, 1]);
		expect(openShardNumber(doc)).toBe(1);
	});

	it('refuses to open a shard past the cap', () => {
		const doc = new Y.Doc();
		expect(() => addShard(doc, MAX_SHARD + 1)).toThrow(RangeError);
		addShard(doc, MAX_SHARD);
		expect(openShardNumber(doc)).toBe(MAX_SHARD);
	});
});
