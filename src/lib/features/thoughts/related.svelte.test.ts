import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Scored } from '$lib/ai/rank-fusion';
import type { SemanticIndex } from '$lib/ai/semantic-index.svelte';
import { MIN_SIMILARITY } from '$lib/ai/similarity';
import { Replica } from '$lib/replica/replica';
import type { ThoughtId, UserId } from '$sync/ids';
import { Related } from './related.svelte';

let replica: Replica | undefined;
afterEach(async () => {
	await replica?.close();
	replica = undefined;
});

describe('Related', () => {
	it('shows only neighbours at or above the similarity floor search uses', async () => {
		replica = await Replica.open('related-floor' as UserId);
		const close = await replica.capture('The kitten hid under the sofa');
		const loose = await replica.capture('Bought a new sofa cushion');
		await replica.flush();
		// Scores as the model would give them; the index cuts at the floor it is asked for.
		const scores: Scored<ThoughtId>[] = [
			{ id: close, score: MIN_SIMILARITY + 0.01 },
			{ id: loose, score: MIN_SIMILARITY - 0.01 }
		];
		const semantic = {
			isAvailable: true,
			start: async () => {},
			embedText: async () => Float32Array.of(1),
			nearest: (_: Float32Array, k: number, minScore: number) =>
				scores.filter((hit) => hit.score >= minScore).slice(0, k),
			onUpdated: () => () => {}
		};
		const related = new Related(replica, () => semantic as unknown as SemanticIndex);

		related.follow('my cat sleeps on the sofa');
		await vi.waitFor(() => expect(related.rows.map((row) => row.id)).toEqual([close]));
		related.stop();
	});
});
