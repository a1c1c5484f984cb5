/** Escapes text for HTML and XML content and attribute values. */
export function escapeMarkup(value: string): string {
	return value
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&#39;');
}

/** A one-line summary of a post for titles and previews. */
export function summary(text: string, max = 80): string {
	const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
	const trimmed = line.replace(/^#+\s*/, '').trim();
	return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}
