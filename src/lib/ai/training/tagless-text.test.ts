import { describe, expect, it } from 'vitest';
import { withoutTags } from '$sync/tags';
import { embedWithoutTags } from './tagless-text';

describe('withoutTags', () => {
	it('drops every tag, nested ones whole, and keeps the rest of the text', () => {
		expect(withoutTags('Fix the build #code/bugs today (#work) a#b')).toBe(
			'Fix the build  today () a#b'
		);
	});

	it('embeds each text without its tags, shortest first, back by id', async () => {
		const seen: string[][] = [];
		const vectors = await embedWithoutTags(
			[
				{ id: 'a', text: 'longer text #x' },
				{ id: 'b', text: 'short #y' }
			],
			async (texts) => (seen.push(texts), texts.map((t) => Float32Array.of(t.length)))
		);
		expect(seen).toEqual([['short ', 'longer text ']]);
		expect(vectors.get('a')).toEqual(Float32Array.of(12));
		await expect(embedWithoutTags([{ id: 'a', text: 'x' }], async () => [])).rejects.toThrow(
			/0 vectors for 1 texts/
		);
	});
});
