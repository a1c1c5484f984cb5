import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ownEmbedder, trainedTagger, type FileSink } from '../../../../tests/fixtures/own-models';
import { sha256Hex } from '$lib/replica/blob-store';
import { parseImportFile, toExportJson, toMarkdownZip } from './export-files';
import { MODELS_MANIFEST, ModelFileError, readModels, type ModelsExport } from './model-files';

const EXPORTED_AT = new Date(Date.UTC(2025, 0, 1));
const sink: FileSink = { put: sha256Hex };

async function ownModels(): Promise<ModelsExport> {
	const tagger = await trainedTagger(sink, 'tagger-aaa', 2000);
	const candidate = await trainedTagger(sink, 'tagger-bbb', 3000, ['home', 'ideas', 'work']);
	const embedder = await ownEmbedder(sink, 'user-tiny-model-ccc', 1000);
	const all = [embedder, tagger, candidate];
	return {
		versions: all.map((model) => model.version),
		aliases: { tag: { active: tagger.version.id, previous: null } },
		files: new Map(all.flatMap((model) => [...model.files]))
	};
}

function jsonOf(models: ModelsExport) {
	return JSON.parse(toExportJson([], EXPORTED_AT, models));
}

/** The models part of an import file, read and checked. */
async function read(name: string, bytes: Uint8Array) {
	const parsed = parseImportFile(name, bytes);
	if (!parsed.ok || !parsed.models) throw new Error('expected a models part');
	return readModels(parsed.models);
}

async function failure(name: string, bytes: Uint8Array): Promise<ModelFileError> {
	const error = await read(name, bytes).catch((caught: unknown) => caught);
	if (!(error instanceof ModelFileError)) throw new Error(`expected a ModelFileError: ${String(error)}`, { cause: error });
	return error;
}

const models = await ownModels();
const [embedder, tagger, candidate] = models.versions;

describe('models in the export files', () => {
	it('round-trips through the JSON export, files as base64', async () => {
		const text = toExportJson([], EXPORTED_AT, models);
		expect(Object.keys(JSON.parse(text).models.files)).toHaveLength(models.files.size);
		expect(await read('x.json', strToU8(text))).toEqual(models);
	});

	it('round-trips through the zip, each file by its sha256 beside a manifest', async () => {
		const zip = toMarkdownZip([], models);
		expect(Object.keys(unzipSync(zip)).sort()).toEqual(
			[MODELS_MANIFEST, ...[...models.files.keys()].map((sha) => `models/files/${sha}`)].sort()
		);
		expect(await read('x.zip', zip)).toEqual(models);
		expect(toMarkdownZip([], models)).toEqual(zip);
	});

	it('reads a zip someone re-zipped on a Mac, with folder entries and resource forks', async () => {
		const entries = unzipSync(toMarkdownZip([], models));
		const junk = { 'models/files/': new Uint8Array(), 'models/files/._x': new Uint8Array(4) };
		expect(await read('x.zip', zipSync({ ...entries, ...junk }))).toEqual(models);
	});

	it('writes no models part for a user without models of their own', () => {
		const none = { versions: [], aliases: {}, files: new Map() };
		expect(JSON.parse(toExportJson([], EXPORTED_AT, none))).not.toHaveProperty('models');
		const parsed = parseImportFile('x.json', strToU8(toExportJson([], EXPORTED_AT, none)));
		expect(parsed).toEqual({ ok: true, thoughts: [] });
	});

	it('keeps only files a version names, and aliases naming a version of their task', async () => {
		const json = jsonOf(models);
		// Left alone, even one whose bytes are not its name.
		json.models.files[await sha256Hex(strToU8('not a model'))] = 'bm90IGEgbW9kZWw=';
		json.models.files['0'.repeat(64)] = 'bm90IGEgbW9kZWw=';
		json.models.aliases.embed = { active: tagger.id, previous: embedder.id };
		const read_ = await read('x.json', strToU8(JSON.stringify(json)));
		expect(read_.files).toEqual(models.files);
		expect(read_.aliases.embed).toEqual({ active: null, previous: embedder.id });
	});
});

describe('a bad models part names the file', () => {
	it('a zip file whose bytes are not its sha256', async () => {
		const entries = unzipSync(toMarkdownZip([], models));
		const name = `models/files/${tagger.sha256}`;
		entries[name] = entries[name].slice(0, -1);
		const error = await failure('x.zip', zipSync(entries));
		expect(error.code).toBe('mismatch');
		expect(error.message).toBe(`${name}: its bytes do not match its sha256`);
	});

	it('a file a version names and the export lacks', async () => {
		const entries = unzipSync(toMarkdownZip([], models));
		delete entries[`models/files/${candidate.dataset!.sha256}`];
		const error = await failure('x.zip', zipSync(entries));
		expect(error.code).toBe('missing');
		expect(error.message).toMatch(`(version ${candidate.id} needs it)`);
	});

	it('a data set whose digest is off, or that belongs to another version', async () => {
		const edited = JSON.parse(strFromU8(models.files.get(tagger.dataset!.sha256)!));
		edited.labels = ['ideas'];
		const bytes = strToU8(JSON.stringify(edited));
		const sha = await sha256Hex(bytes);
		const forged = { ...tagger, dataset: { ...tagger.dataset!, sha256: sha } };
		const json = jsonOf({
			...models,
			versions: [forged],
			files: new Map([...models.files, [sha, bytes]])
		});
		const error = await failure('x.json', strToU8(JSON.stringify(json)));
		expect([error.code, error.file]).toEqual(['dataset', `models.files.${sha}`]);
		expect(error.message).toMatch(/does not match its digest/);

		const swapped = { ...tagger, dataset: { ...tagger.dataset!, sha256: candidate.dataset!.sha256 } };
		const other = await failure('x.json', strToU8(JSON.stringify(jsonOf({ ...models, versions: [swapped] }))));
		expect(other.message).toMatch(`not the data set of version ${tagger.id}`);
	});

	it('an artifact that is no ONNX model, or a head with other labels than its version', async () => {
		const junk = strToU8('not onnx at all');
		const sha = await sha256Hex(junk);
		const broken = { ...tagger, sha256: sha };
		const files = new Map([...models.files, [sha, junk]]);
		const json = jsonOf({ ...models, versions: [broken], files });
		const error = await failure('x.json', strToU8(JSON.stringify(json)));
		expect([error.code, error.file]).toEqual(['model', `models.files.${sha}`]);

		const relabelled = { ...tagger, labels: ['one', 'two', 'three'] };
		const mismatch = jsonOf({ ...models, versions: [relabelled] });
		const wrong = await failure('x.json', strToU8(JSON.stringify(mismatch)));
		expect(wrong.message).toMatch(/gives 2 scores, version tagger-aaa has 3 labels/);
	});

	it('an invalid version, an invalid manifest, or files that are not base64', async () => {
		const json = jsonOf(models);
		json.models.versions[1] = { ...json.models.versions[1], sha256: 'nope' };
		const error = await failure('x.json', strToU8(JSON.stringify(json)));
		expect(error.message).toMatch(/^models version 1: sha256: /);

		const entries = unzipSync(toMarkdownZip([], models));
		entries[MODELS_MANIFEST] = strToU8('{"versions": ');
		const manifest = await failure('x.zip', zipSync(entries));
		expect(manifest.message).toMatch(/^models\/models\.json: not UTF-8 JSON/);

		json.models = { versions: [], files: { [tagger.sha256!]: '***' } };
		const base64 = await failure('x.json', strToU8(JSON.stringify(json)));
		expect(base64.message).toMatch(/^models: files\.[0-9a-f]{64}: not base64/);
	});
});
