/**
 * The tokenizer of the built-in static embedder, shared by the browser worker, the server
 * fallback, the model build and the tests, so all of them see exactly the same ids.
 * Words are lower-cased runs of letters and digits (`[a-z][a-z0-9]*` or digits, as in the GloVe
 * vocabulary); id 0 means "not in the vocabulary" and is masked out by the model.
 */
export const UNKNOWN_ID = 0;
export const MAX_TOKENS = 256;

const WORD = /[a-z][a-z0-9]*|[0-9]+/g;

export type Vocabulary = ReadonlyMap<string, number>;

/** vocab.txt: one word per line; the word on line i (0-based) has id i + 1. */
export function parseVocabulary(text: string): Vocabulary {
	const vocab = new Map<string, number>();
	text.split('\n').forEach((word, i) => {
		if (word) vocab.set(word, i + 1);
	});
	return vocab;
}

export function words(text: string): string[] {
	return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(WORD) ?? [];
}

/** Token ids of a text, unknown words as 0, at most MAX_TOKENS of them. */
export function tokenize(text: string, vocab: Vocabulary): Int32Array {
	const found = words(text).slice(0, MAX_TOKENS);
	return Int32Array.from(found, (word) => vocab.get(word) ?? UNKNOWN_ID);
}

/** Pads a batch into one row-major [batch, length] tensor, padding with UNKNOWN_ID. */
export function padBatch(batch: readonly Int32Array[]): { ids: Int32Array; length: number } {
	const length = Math.max(1, ...batch.map((ids) => ids.length));
	const ids = new Int32Array(batch.length * length);
	batch.forEach((row, i) => ids.set(row, i * length));
	return { ids, length };
}
