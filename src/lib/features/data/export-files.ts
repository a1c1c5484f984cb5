import { unzipSync, zipSync, type Unzipped, type Zippable } from 'fflate';
import {
	EXPORT_FORMAT,
	EXPORT_VERSION,
	parseExportFile,
	type ExportedThought
} from '../../../../sync/export-format';
import { parseTags } from '../../../../sync/tags';
import { markdownPath, parseMarkdown, toMarkdown } from './front-matter';
import {
	MODEL_FILES_DIR,
	MODELS_MANIFEST,
	modelsJson,
	modelsZipEntries,
	type ModelSource,
	type ModelsExport
} from './model-files';

/**
 * The two export files: the JSON export (lossless, what the importer prefers) and a zip of one
 * Markdown file per thought (for people and other tools). Both import back to the same thoughts,
 * and both carry the user's own models (model-files.ts), checked when the import is planned.
 */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
export const MAX_IMPORT_THOUGHTS = 200_000;

type Failure = { ok: false; error: string };
export type ImportResult =
	| { ok: true; thoughts: ExportedThought[]; models?: ModelSource }
	| Failure;

/** DOS timestamps in a zip only cover 1980–2107; fflate throws outside 1980–2099. */
const ZIP_MIN_TIME = Date.UTC(1980, 0, 2);
const ZIP_MAX_TIME = Date.UTC(2099, 11, 30);

export function toExportJson(
	thoughts: ExportedThought[],
	exportedAt: Date,
	models?: ModelsExport
): string {
	const file = {
		format: EXPORT_FORMAT,
		version: EXPORT_VERSION,
		exportedAt: exportedAt.toISOString(),
		thoughts: sortThoughts(thoughts).map(exportedFields),
		...(models?.versions.length ? { models: modelsJson(models) } : {})
	};
	return `${JSON.stringify(file, null, '\t')}\n`;
}

/**
 * Deterministic (for a time zone: zip times are local): entries are sorted and stamped with
 * their thought's creation time.
 */
export function toMarkdownZip(thoughts: ExportedThought[], models?: ModelsExport): Uint8Array {
	const encoder = new TextEncoder();
	const files: Zippable = {};
	for (const thought of sortThoughts(thoughts)) {
		const bytes = encoder.encode(toMarkdown(thought));
		const mtime = clamp(Date.parse(thought.createdAt), ZIP_MIN_TIME, ZIP_MAX_TIME);
		files[markdownPath(thought)] = [bytes, { mtime, level: levelFor(bytes) }];
	}
	if (models?.versions.length) {
		for (const { path, bytes } of modelsZipEntries(models)) {
			files[path] = [bytes, { mtime: ZIP_MIN_TIME, level: levelFor(bytes) }];
		}
	}
	return withZip64End(zipSync(files), Object.keys(files).length);
}

/** Deflating a few hundred bytes costs far more time than the little it saves. */
function levelFor(bytes: Uint8Array): 0 | 6 {
	return bytes.length < 512 ? 0 : 6;
}

/**
 * fflate writes no zip64 records, so past 65,535 files the count it records wraps and readers
 * (fflate among them) silently drop entries. A zip64 end record holds the real count. fflate
 * writes no archive comment, so its end record is the last 22 bytes.
 */
function withZip64End(zip: Uint8Array, count: number): Uint8Array {
	if (count <= 0xffff) return zip;
	const end = zip.length - 22;
	const source = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
	const out = new Uint8Array(zip.length + 76);
	const view = new DataView(out.buffer);
	out.set(zip.subarray(0, end));
	view.setUint32(end, 0x06064b50, true);
	view.setBigUint64(end + 4, 44n, true);
	view.setUint16(end + 12, 45, true);
	view.setUint16(end + 14, 45, true);
	view.setBigUint64(end + 24, BigInt(count), true);
	view.setBigUint64(end + 32, BigInt(count), true);
	view.setBigUint64(end + 40, BigInt(source.getUint32(end + 12, true)), true);
	view.setBigUint64(end + 48, BigInt(source.getUint32(end + 16, true)), true);
	view.setUint32(end + 56, 0x07064b50, true);
	view.setBigUint64(end + 64, BigInt(end), true);
	view.setUint32(end + 72, 1, true);
	out.set(zip.subarray(end), end + 76);
	view.setUint16(end + 76 + 8, 0xffff, true);
	view.setUint16(end + 76 + 10, 0xffff, true);
	return out;
}

/** Recognises the file by its content; the name only sharpens the error for unknown content. */
export function parseImportFile(name: string, bytes: Uint8Array): ImportResult {
	if (bytes.byteLength > MAX_IMPORT_BYTES) return fail(`file ${tooLarge(bytes.byteLength)}`);
	if (isZip(bytes)) return parseZip(bytes);
	const text = decodeUtf8(bytes);
	if (text !== null && /^\s*\{/.test(text)) return parseJson(text);
	if (/\.zip$/i.test(name)) return fail(`${name} is a corrupt zip: it has no zip signature`);
	if (/\.json$/i.test(name)) return fail(`${name} is not JSON: it does not start with {`);
	return fail(`${name} is neither a Thoughts10x JSON export nor a zip of Markdown files`);
}

function parseJson(text: string): ImportResult {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		return fail(`not valid JSON: ${messageOf(error)}`);
	}
	const result = validate(json, (index) => `thought at index ${index}`);
	const models = isRecord(json) && json.models !== undefined ? json.models : undefined;
	if (!result.ok || models === undefined) return result;
	return { ...result, models: { kind: 'json', value: models } };
}

function parseZip(bytes: Uint8Array): ImportResult {
	const unzipped = unzipExport(bytes);
	if (!unzipped.ok) return unzipped;
	const names = Object.keys(unzipped.files).filter(isMarkdown);
	const manifest = unzipped.files[MODELS_MANIFEST];
	if (names.length === 0 && !manifest) return fail('the zip has no .md files');
	const thoughts: unknown[] = [];
	for (const name of names) {
		const source = decodeUtf8(unzipped.files[name]);
		const parsed = source === null ? fail('not UTF-8 text') : parseMarkdown(source);
		if (!parsed.ok) return fail(`invalid file ${name}: ${parsed.error}`);
		thoughts.push(parsed.thought);
	}
	const file = { format: EXPORT_FORMAT, version: EXPORT_VERSION, thoughts };
	const result = validate(file, (index) => `file ${names[index]}`);
	if (!result.ok || !manifest) return result;
	const models = new Map<string, Uint8Array>();
	for (const [path, bytes] of Object.entries(unzipped.files)) {
		if (path.startsWith(MODEL_FILES_DIR)) models.set(path.slice(MODEL_FILES_DIR.length), bytes);
	}
	return { ...result, models: { kind: 'zip', manifest, files: models } };
}

/** The models part: its manifest and its files (a zip from before models has neither). */
function isModelFile(path: string): boolean {
	const isFile = path.startsWith(MODEL_FILES_DIR) && !path.endsWith('/');
	return (path === MODELS_MANIFEST || isFile) && !isJunk(path);
}

/** Caps are checked on the sizes the zip declares (of every file read), before inflating. */
function unzipExport(bytes: Uint8Array): { ok: true; files: Unzipped } | Failure {
	let count = 0;
	let size = 0;
	let files: Unzipped;
	try {
		files = unzipSync(bytes, {
			filter: (file) => {
				if (!isMarkdown(file.name) && !isModelFile(file.name)) return false;
				if (isMarkdown(file.name)) count += 1;
				size += file.originalSize;
				return count <= MAX_IMPORT_THOUGHTS && size <= MAX_IMPORT_BYTES;
			}
		});
	} catch (error) {
		return fail(`corrupt zip: ${messageOf(error)}`);
	}
	if (count > MAX_IMPORT_THOUGHTS) return fail(tooMany(count));
	if (size > MAX_IMPORT_BYTES) return fail(`zip contents ${tooLarge(size)}`);
	return { ok: true, files };
}

function isMarkdown(path: string): boolean {
	return /\.md$/i.test(path) && !isJunk(path);
}

/** The resource forks macOS adds when someone re-zips the folder. */
function isJunk(path: string): boolean {
	return /(^|\/)(__MACOSX\/|\._)/.test(path);
}

function validate(json: unknown, label: (index: number) => string): ImportResult {
	const file = isRecord(json) ? json : {};
	if (file.format !== EXPORT_FORMAT) {
		const found = file.format === undefined ? 'none' : JSON.stringify(file.format);
		return fail(`not a Thoughts10x export: format is ${found}, expected "${EXPORT_FORMAT}"`);
	}
	if (Array.isArray(file.thoughts) && file.thoughts.length > MAX_IMPORT_THOUGHTS) {
		return fail(tooMany(file.thoughts.length));
	}
	const result = parseExportFile(file);
	if (!result.ok) return fail(describeIssue(result.error, label));
	return { ok: true, thoughts: firstOfEachId(result.file.thoughts) };
}

/** `thoughts.3.id: …` → `invalid thought at index 3: id: …` (or the zip entry's name). */
function describeIssue(error: string, label: (index: number) => string): string {
	const match = /^thoughts\.(\d+)(?:\.([^:]+))?: /.exec(error);
	if (!match) return `invalid export: ${error}`;
	const field = match[2] ? `${match[2]}: ` : '';
	return `invalid ${label(Number(match[1]))}: ${field}${error.slice(match[0].length)}`;
}

function firstOfEachId(thoughts: ExportedThought[]): ExportedThought[] {
	const seen = new Set<string>();
	return thoughts.filter((thought) => {
		if (seen.has(thought.id)) return false;
		seen.add(thought.id);
		return true;
	});
}

function sortThoughts(thoughts: readonly ExportedThought[]): ExportedThought[] {
	const keyed = thoughts.map((thought) => ({ thought, time: Date.parse(thought.createdAt) }));
	keyed.sort((a, b) => a.time - b.time || compareStrings(a.thought.id, b.thought.id));
	return keyed.map(({ thought }) => thought);
}

/** A fixed key order, and tags re-derived so the file never disagrees with the text. */
function exportedFields(thought: ExportedThought): ExportedThought {
	const { id, createdAt, visibility, pinned, text } = thought;
	return { id, createdAt, visibility, pinned, tags: parseTags(text), text };
}

function isZip(bytes: Uint8Array): boolean {
	// A local file header, or the end record that is all an empty zip contains.
	const [p, k, a, b] = bytes;
	return p === 0x50 && k === 0x4b && ((a === 3 && b === 4) || (a === 5 && b === 6));
}

function decodeUtf8(bytes: Uint8Array): string | null {
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		return null;
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, value));
}

function compareStrings(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function tooLarge(bytes: number): string {
	const mebibytes = Math.ceil((bytes / 1024 / 1024) * 10) / 10;
	return `too large: ${mebibytes} MiB (the limit is ${MAX_IMPORT_BYTES / 1024 / 1024} MiB)`;
}

function tooMany(count: number): string {
	return `too many thoughts: ${count} (the limit is ${MAX_IMPORT_THOUGHTS})`;
}

function fail(error: string): Failure {
	return { ok: false, error };
}
