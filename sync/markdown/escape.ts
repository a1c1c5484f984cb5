const ENTITIES: Record<string, string> = {
	'&': '&amp;',
	'<': '&lt;',
	'>': '&gt;',
	'"': '&quot;',
	"'": '&#39;'
};

/** Escapes every markup character: for attribute values and code, where nothing may decode. */
export function escapeAll(value: string): string {
	return value.replace(/[&<>"']/g, (char) => ENTITIES[char]);
}

/**
 * Escapes text content but keeps character references (`&amp;`, `&#8212;`) as written, as
 * Markdown means them. A reference in text content only ever decodes to a character, never to
 * markup, so this is as inert as escaping the ampersand.
 */
export function escapeText(value: string): string {
	return value.replace(
		/[<>"']|&(?!#\d{1,7};|#[xX][a-fA-F0-9]{1,6};|[a-zA-Z][a-zA-Z0-9]{1,31};)/g,
		(char) => ENTITIES[char]
	);
}
