import type { ExportedThought } from '../../../../sync/export-format';
import { parseTags } from '../../../../sync/tags';

/**
 * One thought as a Markdown file: YAML front matter, `---`, a blank line, then the text verbatim.
 * Strings are JSON-quoted (valid YAML) so no value spans lines; the first `---` line therefore
 * closes the front matter, and everything after the blank line is the text, byte for byte.
 */
const FRONT_MATTER = /^---\r?\n((?:[^\n]*\n)*?)---(?:\r?\n|$)/;
const FIELD = /^([A-Za-z][\w-]*):[ \t]*(.*?)[ \t]*$/;

export type MarkdownResult =
	| { ok: true; thought: Record<string, unknown> }
	| { ok: false; error: string };

/** `thoughts/2024/2024-05-17-<id>.md`, by UTC date so the path does not depend on the device. */
export function markdownPath(thought: ExportedThought): string {
	const day = new Date(thought.createdAt).toISOString().slice(0, 10);
	return `thoughts/${day.slice(0, 4)}/${day}-${thought.id}.md`;
}

export function toMarkdown(thought: ExportedThought): string {
	const tags = parseTags(thought.text).map((tag) => JSON.stringify(tag));
	const fields = [
		`id: ${thought.id}`,
		`createdAt: ${JSON.stringify(thought.createdAt)}`,
		`visibility: ${thought.visibility}`,
		`pinned: ${thought.pinned}`,
		`tags: [${tags.join(', ')}]`
	];
	return `---\n${fields.join('\n')}\n---\n\n${thought.text}`;
}

/**
 * Reads back what toMarkdown writes; the result is validated by the caller. Tags come from the
 * text, as everywhere else: the front matter list is for readers and other tools.
 */
export function parseMarkdown(source: string): MarkdownResult {
	const match = FRONT_MATTER.exec(source);
	if (!match) return { ok: false, error: 'no front matter (the file must start with a --- line)' };
	// Exactly one blank line separates the front matter from the text; tolerate its absence.
	const text = source.slice(match[0].length).replace(/^\r?\n/, '');
	const thought: Record<string, unknown> = { text, tags: parseTags(text) };
	for (const line of match[1].split('\n')) {
		const field = FIELD.exec(line.replace(/\r$/, ''));
		if (!field || !['id', 'createdAt', 'visibility', 'pinned'].includes(field[1])) continue;
		const value = parseScalar(field[2]);
		if (value === undefined) return { ok: false, error: `${field[1]}: invalid quoted string` };
		thought[field[1]] = value;
	}
	const missing = ['id', 'createdAt'].find((key) => !(key in thought));
	if (missing) return { ok: false, error: `${missing} is missing from the front matter` };
	return { ok: true, thought };
}

/** The YAML scalars toMarkdown writes: JSON-quoted strings, booleans and plain words. */
function parseScalar(raw: string): string | boolean | undefined {
	if (raw === 'true' || raw === 'false') return raw === 'true';
	if (!raw.startsWith('"')) return raw;
	try {
		const value: unknown = JSON.parse(raw);
		return typeof value === 'string' ? value : undefined;
	} catch {
		return undefined;
	}
}
