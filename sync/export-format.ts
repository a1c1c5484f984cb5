import * as v from 'valibot';
import { isThoughtId, type ThoughtId } from './ids';
import { VISIBILITIES } from './doc/shard-doc';
import { isValidTime } from './time';

/**
 * The export file: every field of every thought, in a form people can read. Importing it into
 * any replica (even the one it came from) adds only the thoughts whose ids are not there yet.
 */
export const EXPORT_FORMAT = 'thoughts10x-export';
export const EXPORT_VERSION = 1;
export const MAX_THOUGHT_LENGTH = 20_000;

const ExportedThoughtSchema = v.object({
	id: v.custom<ThoughtId>(isThoughtId, 'not a thought id'),
	text: v.pipe(v.string(), v.maxLength(MAX_THOUGHT_LENGTH)),
	createdAt: v.pipe(
		v.string(),
		v.isoTimestamp(),
		v.check((value) => isValidTime(Date.parse(value)), 'a date from 1970 to 9999')
	),
	visibility: v.optional(v.picklist(VISIBILITIES), 'private'),
	pinned: v.optional(v.boolean(), false),
	/** Derived from the text; written for readers and other tools, ignored on import. */
	tags: v.optional(v.array(v.string()), [])
});

export const ExportFileSchema = v.object({
	format: v.literal(EXPORT_FORMAT),
	version: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(EXPORT_VERSION)),
	exportedAt: v.optional(v.string()),
	thoughts: v.array(ExportedThoughtSchema)
});

export type ExportedThought = v.InferOutput<typeof ExportedThoughtSchema>;
export type ExportFile = v.InferOutput<typeof ExportFileSchema>;

export type ParseResult = { ok: true; file: ExportFile } | { ok: false; error: string };

/** Validates untrusted JSON; the error names the first offending path. */
export function parseExportFile(json: unknown): ParseResult {
	const result = v.safeParse(ExportFileSchema, json);
	if (result.success) return { ok: true, file: result.output };
	const issue = result.issues[0];
	const path = v.getDotPath(issue) ?? 'file';
	return { ok: false, error: `${path}: ${issue.message}` };
}
