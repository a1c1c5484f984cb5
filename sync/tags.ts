/**
 * Tags are written in the text as `#word`, nested as `#parent/child`. They are derived from the
 * text, never stored separately, so editing the text is the only way to change them.
 */
const TAG = /(^|[\s([{"'>])#([\p{L}_][\p{L}\p{N}_-]*(?:\/[\p{L}\p{N}_-]+)*)/gu;
const CODE = /```[\s\S]*?```|`[^`\n]*`/g;
export const MAX_TAG_LENGTH = 64;

/** Unique, lower-cased tags in order of first appearance; code spans are ignored. */
export function parseTags(text: string): string[] {
	const seen = new Set<string>();
	for (const match of text.replace(CODE, ' ').matchAll(TAG)) {
		const tag = match[2].toLowerCase();
		if (tag.length <= MAX_TAG_LENGTH) seen.add(tag);
	}
	return [...seen];
}

/** The text with each `#tag` taken out (the character before it stays), e.g. to embed it bare. */
export function withoutTags(text: string): string {
	return text.replace(TAG, '$1');
}

/** `a/b/c` → `['a', 'a/b', 'a/b/c']`: filtering by `#a` also finds `#a/b`. */
export function tagAncestry(tag: string): string[] {
	const parts = tag.split('/');
	return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Every tag and its ancestors, for indexing. */
export function expandTags(tags: readonly string[]): string[] {
	return [...new Set(tags.flatMap(tagAncestry))];
}
