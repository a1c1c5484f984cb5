/**
 * Completing `#tags` in the capture box: which tag is being typed at the caret, which of the
 * person's tags fit it, and the text once one is chosen. Pure, so the combobox stays thin.
 */

/** A `#tag` being typed: `start` is the `#`, `end` the caret, `prefix` what follows the `#`. */
export interface TagQuery {
	start: number;
	end: number;
	prefix: string;
}

// Same alphabet as sync/tags.ts, plus the `/` of a nested tag still being typed.
const TYPED_TAG = /(?:^|[\s([{"'>])#([\p{L}_][\p{L}\p{N}_\-/]*)?$/u;

/** The tag the caret is in, or null when the caret is not right after `#…`. */
export function tagQueryAt(text: string, caret: number): TagQuery | null {
	const before = text.slice(0, caret);
	const match = TYPED_TAG.exec(before);
	if (!match) return null;
	const prefix = match[1] ?? '';
	return { start: caret - prefix.length - 1, end: caret, prefix: prefix.toLowerCase() };
}

/**
 * The tags that fit a prefix, best first: tags that start with it, then tags with a nested
 * part that starts with it (`#meet` finds `work/meetings`); within each, the most used first.
 * A tag already typed in full is left out: there is nothing to complete.
 */
export function matchTags(
	tags: readonly (readonly [tag: string, count: number])[],
	prefix: string,
	limit = 8
): string[] {
	const wanted = prefix.toLowerCase();
	const ranked: { tag: string; count: number; rank: number }[] = [];
	for (const [tag, count] of tags) {
		if (count <= 0 || tag === wanted) continue;
		const rank = tag.startsWith(wanted)
			? 0
			: tag.split('/').some((part) => part.startsWith(wanted))
				? 1
				: -1;
		if (rank >= 0) ranked.push({ tag, count, rank });
	}
	ranked.sort((a, b) => a.rank - b.rank || b.count - a.count || a.tag.localeCompare(b.tag));
	return ranked.slice(0, limit).map((entry) => entry.tag);
}

/** The text with the typed tag replaced by `#tag ` and where the caret goes after it. */
export function acceptTag(
	text: string,
	query: TagQuery,
	tag: string
): { text: string; caret: number } {
	const after = text.slice(query.end).replace(/^[\p{L}\p{N}_\-/]*/u, '');
	const inserted = `#${tag}${after.startsWith(' ') ? '' : ' '}`;
	const head = text.slice(0, query.start) + inserted;
	return { text: head + after, caret: head.length + (after.startsWith(' ') ? 1 : 0) };
}
