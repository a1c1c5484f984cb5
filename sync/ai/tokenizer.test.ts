import { describe, expect, it } from 'vitest';
import { MAX_TOKENS, padBatch, parseVocabulary, tokenize, words } from './tokenizer';

const vocab = parseVocabulary('the\ncat\nsat\nmat\n2024\n');

describe('tokenizer', () => {
	it('lower-cases, strips accents and keeps GloVe-style words', () => {
		expect(words("Café! The CAT's 2024 mat—x9y, don't")).toEqual([
			'cafe',
			'the',
			'cat',
			's',
			'2024',
			'mat',
			'x9y',
			'don',
			't'
		]);
	});

	it('maps unknown words to 0 and caps the length', () => {
		expect([...tokenize('The cat sat on the mat', vocab)]).toEqual([1, 2, 3, 0, 1, 4]);
		expect(tokenize('cat '.repeat(1000), vocab)).toHaveLength(MAX_TOKENS);
	});

	it('pads a batch row-major with zeros', () => {
		const { ids, length } = padBatch([Int32Array.of(1, 2), Int32Array.of(3)]);
		expect(length).toBe(2);
		expect([...ids]).toEqual([1, 2, 3, 0]);
		expect(padBatch([new Int32Array()]).length).toBe(1);
	});
});
