import { withoutTags } from '$sync/tags';

// A thought's text as a tagger sees it when asked for suggestions: without its tags, since a
// thought being written does not have them yet. Trained on vectors of the tagged text, a head
// learns to read the tag words themselves and suggests little for untagged text.

export interface TextRow {
	id: string;
	text: string;
}

/**
 * Vectors of each row's text without its tags, by id. `embed` is handed every text at once,
 * shortest first (a batch is padded to its longest text), and batches as its model needs.
 */
export async function embedWithoutTags(
	rows: readonly TextRow[],
	embed: (texts: string[]) => Promise<Float32Array[]>
): Promise<Map<string, Float32Array>> {
	const texts = rows.map((row) => ({ id: row.id, text: withoutTags(row.text) }));
	texts.sort((a, b) => a.text.length - b.text.length);
	const vectors = await embed(texts.map((entry) => entry.text));
	if (vectors.length !== texts.length) {
		throw new RangeError(`${vectors.length} vectors for ${texts.length} texts`);
	}
	return new Map(texts.map((entry, i) => [entry.id, vectors[i]]));
}
