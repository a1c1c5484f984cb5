import { markdownToPlainText } from '../../../sync/markdown/plain-text';

/** Code points XML 1.0 forbids (C0 controls but tab and newlines, lone surrogates, U+FFFE/F). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escapes text for HTML and XML content and attribute values; drops what XML forbids. */
export function escapeMarkup(value: string): string {
	return value
		.replace(NOT_XML, '')
		.replaceAll('&', '&amp;')
		.replaceAll('<', '&lt;')
		.replaceAll('>', '&gt;')
		.replaceAll('"', '&quot;')
		.replaceAll("'", '&#39;');
}

/** A one-line summary of a post for titles and previews: its first line, without Markdown. */
export function summary(text: string, max = 80): string {
	const line =
		markdownToPlainText(text)
			.split('\n')
			.find((l) => l.trim() !== '') ?? '';
	const trimmed = line.trim();
	return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}
