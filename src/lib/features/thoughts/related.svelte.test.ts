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
			model: { id: 'embedder-a' },
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

describe('Related tag suggestions', () => {
	async function openTagged(name: string) {
		replica = await Replica.open(name as UserId);
		const near = await replica.capture('Fed the kitten #pets #home');
		await replica.flush();
		const semantic = {
			model: { id: 'embedder-a' },
			isAvailable: true,
			start: async () => {},
			embedText: async () => Float32Array.of(1),
			nearest: () => [{ id: near, score: 0.9 }],
			onUpdated: () => () => {}
		};
		return () => semantic as unknown as SemanticIndex;
	}

	it('come from the active tagger, scored over the active embedder', async () => {
		const semantic = await openTagged('related-tagger');
		const asked: string[] = [];
		const tagger = {
			score: async (_: Float32Array, embedder: string) => {
				asked.push(embedder);
				return { labels: ['work', 'pets'], scores: Float32Array.of(0.8, 0.1) };
			}
		};
		const related = new Related(replica!, semantic, tagger);
		related.follow('my cat sleeps on the sofa');
		await vi.waitFor(() => expect(related.suggestedTags).toEqual(['work']));
		expect(asked).toEqual(['embedder-a']);
		related.stop();
	});

	it('fall back to the neighbour vote without a usable tagger or when it fails', async () => {
		const semantic = await openTagged('related-vote');
		const none = new Related(replica!, semantic, { score: async () => null });
		none.follow('my cat sleeps on the sofa');
		await vi.waitFor(() => expect(none.suggestedTags).toEqual(['pets', 'home']));
		none.stop();

		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		const broken = new Related(replica!, semantic, {
			score: () => Promise.reject(new Error('no WebAssembly'))
		});
		broken.follow('my cat sleeps on the sofa');
		await vi.waitFor(() => expect(broken.suggestedTags).toEqual(['pets', 'home']));
		expect(warn).toHaveBeenCalled();
		warn.mockRestore();
		broken.stop();
	});
});
