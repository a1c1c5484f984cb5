import { describe, expect, it } from 'vitest';
import { cosine, embedIds } from './static-embedder';
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

describe('static embedder oracle', () => {
	const table = {
		dims: 2,
		values: Int8Array.of(0, 0, 127, 0, 0, 127, 64, 64, -127, 0),
		scales: Float32Array.of(0, 0.01, 0.02, 0.5, 1)
	};

	it('averages known rows and normalises', () => {
		const v = embedIds(Int32Array.of(1, 2, 0), table);
		// mean of (1.27, 0) and (0, 2.54) is (0.635, 1.27): direction (1, 2).
		expect(v[0]).toBeCloseTo(1 / Math.sqrt(5), 6);
		expect(v[1]).toBeCloseTo(2 / Math.sqrt(5), 6);
		expect(Math.hypot(v[0], v[1])).toBeCloseTo(1, 6);
		expect(cosine(v, v)).toBeCloseTo(1, 6);
	});

	it('gives a zero vector, not NaN, when every word is unknown', () => {
		expect([...embedIds(Int32Array.of(0, 0, 99), table)]).toEqual([0, 0]);
		expect([...embedIds(new Int32Array(), table)]).toEqual([0, 0]);
	});
});
