import { strFromU8, unzipSync } from 'fflate';
import {
	checkSize,
	DEFAULT_MODEL_LIMITS,
	formatBytes,
	ModelCheckError,
	type ModelLimits
} from './model-check-error';

/**
 * An uploaded embedder in the layout transformers.js reads: onnx/model*.onnx beside
 * tokenizer.json, tokenizer_config.json and config.json. It comes as a folder (paths relative to
 * the picked folder, which may sit one level down) or as one .zip.
 */
export interface EmbedderBundle {
	/** Where the ONNX file sat, e.g. `onnx/model_quantized.onnx`. */
	onnxPath: string;
	onnx: Uint8Array;
	/** The other files transformers.js reads, by path relative to the model folder. */
	files: Record<string, Uint8Array>;
}

export interface UploadedFile {
	path: string;
	bytes: Uint8Array;
}

export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'config.json'] as const;
/** The ONNX files transformers.js looks for, one per weight type (its dtype suffixes). */
const ONNX_FILE = /(?:^|\/)onnx\/model(|_fp16|_int8|_uint8|_quantized|_q4|_q4f16|_bnb4)\.onnx$/;
/** What the wasm runtime loads by default first, then the full-precision weights. */
const PREFERRED_ONNX = ['onnx/model_quantized.onnx', 'onnx/model.onnx'];
const EXTERNAL_DATA = /\.onnx(?:_data|\.data)$|\.onnx_data_\d+$/;
/** The tokenizer models @huggingface/tokenizers implements (WordLevel is missing). */
const TOKENIZER_MODELS = ['WordPiece', 'BPE', 'Unigram'];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function isZip(bytes: Uint8Array): boolean {
	return ZIP_MAGIC.every((byte, i) => bytes[i] === byte);
}

/** `a\b/./c` → `a/b/c`; a path that climbs out of the upload is refused. */
function normalisePath(path: string): string {
	const parts = path.replaceAll('\\', '/').split('/');
	const kept = parts.filter((part) => part !== '' && part !== '.');
	if (kept.includes('..'))
		throw new ModelCheckError('archive', `"${path}" points outside the model.`);
	return kept.join('/');
}

function unzip(bytes: Uint8Array, limits: ModelLimits): UploadedFile[] {
	let declared = 0;
	try {
		const entries = unzipSync(bytes, {
			// Sizes from the central directory, before anything is inflated: no zip bomb.
			filter: (file) => (declared += file.originalSize) <= limits.maxBytes
		});
		checkSize(declared, limits, 'The unpacked zip');
		return Object.entries(entries)
			.filter(([path]) => !path.endsWith('/'))
			.map(([path, data]) => ({ path, bytes: data }));
	} catch (error) {
		if (error instanceof ModelCheckError) throw error;
		const reason = error instanceof Error ? error.message : String(error);
		throw new ModelCheckError('archive', `The zip could not be unpacked (${reason}).`);
	}
}

function chooseOnnx(paths: string[]): string {
	const candidates = paths.filter((path) => ONNX_FILE.test(path));
	if (candidates.length === 0) {
		const other = paths.find((path) => path.endsWith('.onnx'));
		throw new ModelCheckError(
			'archive',
			other
				? `${other} is not where transformers.js looks: use onnx/model.onnx or onnx/model_quantized.onnx.`
				: 'There is no ONNX model in it: an embedder needs onnx/model.onnx.'
		);
	}
	const rank = (path: string) => {
		const at = PREFERRED_ONNX.indexOf(path.slice(path.lastIndexOf('onnx/')));
		return at < 0 ? PREFERRED_ONNX.length : at;
	};
	// The shallowest folder wins, then the weights the runtime prefers.
	return candidates.sort(
		(a, b) => a.split('/').length - b.split('/').length || rank(a) - rank(b) || (a < b ? -1 : 1)
	)[0];
}

/** Reads a folder or zip into a bundle; every failure is a ModelCheckError. */
export function readEmbedderBundle(
	upload: readonly UploadedFile[],
	limits: ModelLimits = DEFAULT_MODEL_LIMITS
): EmbedderBundle {
	if (upload.length === 0) throw new ModelCheckError('archive', 'No files were given.');
	checkSize(
		upload.reduce((sum, file) => sum + file.bytes.length, 0),
		limits,
		'The upload'
	);
	const files =
		upload.length === 1 && isZip(upload[0].bytes) ? unzip(upload[0].bytes, limits) : [...upload];
	if (files.length === 1 && files[0].path.endsWith('.onnx')) {
		throw new ModelCheckError(
			'archive',
			'An embedder needs its tokenizer files too: add the whole folder, or a zip of it.'
		);
	}
	const byPath = new Map(files.map((file) => [normalisePath(file.path), file.bytes]));
	const onnxPath = chooseOnnx([...byPath.keys()]);
	const root = onnxPath.slice(0, onnxPath.lastIndexOf('onnx/'));
	const external = [...byPath.keys()].find(
		(path) => path.startsWith(root) && EXTERNAL_DATA.test(path)
	);
	if (external) {
		throw new ModelCheckError(
			'external-data',
			`${external} holds weights outside the ONNX file; only a single-file model is supported.`
		);
	}
	const bundle: EmbedderBundle = {
		onnxPath: onnxPath.slice(root.length),
		onnx: byPath.get(onnxPath)!,
		files: {}
	};
	for (const name of TOKENIZER_FILES) {
		const bytes = byPath.get(root + name);
		if (!bytes) throw new ModelCheckError('archive', `${name} is missing beside the onnx folder.`);
		bundle.files[name] = bytes;
	}
	checkTokenizer(bundle);
	return bundle;
}

function parseJsonObject(bytes: Uint8Array, name: string): Record<string, unknown> {
	try {
		const value: unknown = JSON.parse(strFromU8(bytes));
		if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
			return value as Record<string, unknown>;
		}
	} catch {
		// Not JSON: the same answer as JSON that is not an object, below.
	}
	throw new ModelCheckError(
		'tokenizer',
		`${name} is not a JSON object (${formatBytes(bytes.length)}).`
	);
}

/** The number of token ids the vocabulary of a tokenizer.json model holds. */
function vocabSize(model: Record<string, unknown>): number {
	const vocab = model.vocab;
	if (Array.isArray(vocab)) return vocab.length;
	return typeof vocab === 'object' && vocab !== null ? Object.keys(vocab).length : 0;
}

/**
 * The tokenizer files parse, name a model type the app's tokenizer library implements and hold
 * a vocabulary; config.json names the model type. Returns the vocabulary size.
 */
export function checkTokenizer(bundle: EmbedderBundle): { vocabSize: number } {
	const file = (name: string) => {
		const bytes = bundle.files[name];
		if (!bytes) throw new ModelCheckError('archive', `${name} is missing beside the onnx folder.`);
		return parseJsonObject(bytes, name);
	};
	const model = file('tokenizer.json').model as Record<string, unknown> | undefined;
	const type = typeof model?.type === 'string' ? model.type : undefined;
	if (!model || !type || !TOKENIZER_MODELS.includes(type)) {
		throw new ModelCheckError(
			'tokenizer',
			`tokenizer.json has ${type ? `a ${type}` : 'no'} model; the app reads ${TOKENIZER_MODELS.join(', ')}.`
		);
	}
	const size = vocabSize(model);
	if (size === 0) throw new ModelCheckError('tokenizer', 'tokenizer.json has an empty vocabulary.');
	file('tokenizer_config.json');
	if (typeof file('config.json').model_type !== 'string') {
		throw new ModelCheckError(
			'tokenizer',
			'config.json does not name its model_type (e.g. "bert").'
		);
	}
	return { vocabSize: size };
}
