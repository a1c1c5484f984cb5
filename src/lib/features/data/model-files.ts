import { fromBase64, toBase64 } from 'lib0/buffer';
import * as v from 'valibot';
import {
	AliasesSchema,
	ModelVersionSchema,
	type Aliases,
	type ModelTask,
	type ModelVersion
} from '$sync/doc/model-version-schema';
import { checkOnnx } from '$sync/ai/model-check';
import { versionBlobs } from '$sync/doc/model-versions';
import { parseDatasetSnapshot } from '$lib/ai/training/dataset';
import { sha256Hex } from '$lib/replica/blob-store';

/**
 * The models part of an export: the user's own model versions, the aliases among them, and
 * every file they name (artifacts and data set snapshots) by sha256. The JSON export carries
 * the files as base64 under `models.files`; the zip as `models/files/<sha256>` beside a
 * `models/models.json` manifest. Everything read back is checked before anything is applied.
 */
export const MODELS_MANIFEST = 'models/models.json';
export const MODEL_FILES_DIR = 'models/files/';
const MAX_VERSIONS = 1000;
const MAX_FILES = 4096;

export interface ModelsExport {
	/** Oldest first. */
	versions: ModelVersion[];
	aliases: Partial<Record<ModelTask, Aliases>>;
	/** The bytes of every file a version names, by sha256. */
	files: Map<string, Uint8Array>;
}

/** A models part as read from a file, not checked yet. */
export type ModelSource =
	| { kind: 'json'; value: unknown }
	| { kind: 'zip'; manifest: Uint8Array; files: Map<string, Uint8Array> };

export type ModelFileErrorCode = 'invalid' | 'mismatch' | 'missing' | 'dataset' | 'model';

/** A models part that cannot be imported; `file` names the offending file or field. */
export class ModelFileError extends Error {
	constructor(
		readonly code: ModelFileErrorCode,
		readonly file: string,
		message: string
	) {
		super(`${file}: ${message}`);
		this.name = 'ModelFileError';
	}
}

const Base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64'));
const ManifestSchema = v.object({
	versions: v.pipe(v.array(v.unknown()), v.maxLength(MAX_VERSIONS)),
	aliases: v.optional(v.object({ embed: v.optional(AliasesSchema), tag: v.optional(AliasesSchema) })),
	files: v.optional(
		v.pipe(
			v.record(v.string(), Base64),
			v.check((files) => Object.keys(files).length <= MAX_FILES, `at most ${MAX_FILES} files`)
		)
	)
});

export function modelsJson({ versions, aliases, files }: ModelsExport): object {
	const encoded = Object.fromEntries([...files].map(([sha, bytes]) => [sha, toBase64(bytes)]));
	return { versions, aliases, files: encoded };
}

export function modelsZipEntries({ versions, aliases, files }: ModelsExport) {
	const manifest = new TextEncoder().encode(`${JSON.stringify({ versions, aliases }, null, '\t')}\n`);
	const entries = [...files].map(([sha, bytes]) => ({ path: `${MODEL_FILES_DIR}${sha}`, bytes }));
	return [{ path: MODELS_MANIFEST, bytes: manifest }, ...entries];
}

/** Checks a models part through and through; throws ModelFileError naming the first bad file. */
export async function readModels(source: ModelSource): Promise<ModelsExport> {
	const isJson = source.kind === 'json';
	const where = isJson ? 'models' : MODELS_MANIFEST;
	const fileName = (sha: string) => (isJson ? `models.files.${sha}` : `${MODEL_FILES_DIR}${sha}`);
	const value = isJson ? source.value : readJson(source.manifest, where, 'invalid');
	const manifest = parse(ManifestSchema, value, where);
	const versions = readVersions(manifest.versions, where);
	const files = isJson ? decodeFiles(manifest.files ?? {}, fileName) : source.files;
	// Only the files a version names are read: anything else in the export is left alone.
	const kept = new Map<string, Uint8Array>();
	for (const version of versions) {
		for (const sha of versionBlobs(version)) {
			if (!kept.has(sha)) kept.set(sha, await verified(version, sha, files, fileName(sha)));
		}
		await checkContents(version, kept, fileName);
	}
	const ids = new Map(versions.map((version) => [version.id, version.task]));
	const aliases: ModelsExport['aliases'] = {};
	for (const task of ['embed', 'tag'] as const) {
		const alias = manifest.aliases?.[task];
		const named = (id: string | null) => (id && ids.get(id) === task ? id : null);
		if (alias) aliases[task] = { active: named(alias.active), previous: named(alias.previous) };
	}
	return { versions, aliases, files: kept };
}

/** Valid versions, the first of each id; an invalid one fails the part, naming its index. */
function readVersions(values: unknown[], where: string): ModelVersion[] {
	const seen = new Set<string>();
	const versions: ModelVersion[] = [];
	values.forEach((value, index) => {
		const version = parse(ModelVersionSchema, value, `${where} version ${index}`);
		if (seen.has(version.id)) return;
		seen.add(version.id);
		versions.push(version);
	});
	return versions.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

async function verified(
	version: ModelVersion,
	sha: string,
	files: ReadonlyMap<string, Uint8Array>,
	name: string
): Promise<Uint8Array> {
	const bytes = files.get(sha);
	if (!bytes) throw new ModelFileError('missing', name, `missing (version ${version.id} needs it)`);
	if ((await sha256Hex(bytes)) !== sha) {
		throw new ModelFileError('mismatch', name, 'its bytes do not match its sha256');
	}
	return bytes;
}

/** A version's files, verified: its ONNX file passes the static checks, its data set its digest. */
async function checkContents(
	version: ModelVersion,
	files: ReadonlyMap<string, Uint8Array>,
	fileName: (sha: string) => string
): Promise<void> {
	if (version.sha256) checkArtifact(version, files.get(version.sha256)!, fileName(version.sha256));
	const dataset = version.dataset;
	if (!dataset) return;
	const name = fileName(dataset.sha256);
	const json = readJson(files.get(dataset.sha256)!, name, 'dataset');
	let snapshot;
	try {
		snapshot = await parseDatasetSnapshot(json);
	} catch (error) {
		throw new ModelFileError('dataset', name, messageOf(error));
	}
	if (snapshot.digest !== dataset.digest) {
		throw new ModelFileError('dataset', name, `not the data set of version ${version.id}`);
	}
}

/** The static ONNX checks an upload passes, and a head's label count. */
function checkArtifact(version: ModelVersion, bytes: Uint8Array, name: string): void {
	let checked;
	try {
		checked = checkOnnx(bytes, version.task);
	} catch (error) {
		throw new ModelFileError('model', name, messageOf(error));
	}
	const count = version.labels?.length;
	if (version.task === 'tag' && checked.labelCount !== undefined && checked.labelCount !== count) {
		throw new ModelFileError(
			'model',
			name,
			`the head gives ${checked.labelCount} scores, version ${version.id} has ${count} labels`
		);
	}
}

function decodeFiles(encoded: Record<string, string>, fileName: (sha: string) => string) {
	const files = new Map<string, Uint8Array>();
	for (const [name, base64] of Object.entries(encoded)) {
		try {
			files.set(name, fromBase64(base64));
		} catch (error) {
			throw new ModelFileError('invalid', fileName(name), messageOf(error));
		}
	}
	return files;
}

function parse<T extends v.GenericSchema>(schema: T, value: unknown, where: string) {
	const parsed = v.safeParse(schema, value);
	if (parsed.success) return parsed.output as v.InferOutput<T>;
	const issue = parsed.issues[0];
	const path = v.getDotPath(issue);
	throw new ModelFileError('invalid', where, `${path ? `${path}: ` : ''}${issue.message}`);
}

function readJson(bytes: Uint8Array, name: string, code: ModelFileErrorCode): unknown {
	try {
		return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
	} catch (error) {
		throw new ModelFileError(code, name, `not UTF-8 JSON: ${messageOf(error)}`);
	}
}

function messageOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}
