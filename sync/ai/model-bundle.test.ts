import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readEmbedderBundle, type UploadedFile } from './model-bundle';
import { ModelCheckError } from './model-check-error';

/** Just enough of a transformers.js folder for the bundle reader (the graph is not decoded). */
function folder(prefix: string, onnxFiles: string[]): UploadedFile[] {
	const json = (value: unknown) => strToU8(JSON.stringify(value));
	return [
		...onnxFiles.map((path, i) => ({ path: `${prefix}${path}`, bytes: Uint8Array.of(i + 1) })),
		{
			path: `${prefix}tokenizer.json`,
			bytes: json({ model: { type: 'WordPiece', vocab: { a: 0 } } })
		},
		{ path: `${prefix}tokenizer_config.json`, bytes: json({}) },
		{ path: `${prefix}config.json`, bytes: json({ model_type: 'bert' }) },
		{ path: `${prefix}README.md`, bytes: strToU8('# a model') }
	];
}

describe('readEmbedderBundle', () => {
	it('finds the model folder one level down, with Windows separators', () => {
		const files = folder('picked\\', ['onnx\\model.onnx']);
		const bundle = readEmbedderBundle(files);
		expect(bundle.onnxPath).toBe('onnx/model.onnx');
		// Only what transformers.js reads is kept.
		expect(Object.keys(bundle.files).sort()).toEqual([
			'config.json',
			'tokenizer.json',
			'tokenizer_config.json'
		]);
	});

	it('keeps the quantised weights the wasm runtime loads first, and only those', () => {
		const files = folder('m/', [
			'onnx/model.onnx',
			'onnx/model_fp16.onnx',
			'onnx/model_quantized.onnx'
		]);
		const bundle = readEmbedderBundle(files);
		expect(bundle.onnxPath).toBe('onnx/model_quantized.onnx');
		expect(bundle.onnx).toEqual(Uint8Array.of(3));
	});

	it('reads the same bundle from a zip of the folder', () => {
		const files = folder('', ['onnx/model.onnx']);
		const zip = zipSync(Object.fromEntries(files.map(({ path, bytes }) => [path, bytes])));
		expect(readEmbedderBundle([{ path: 'model.zip', bytes: zip }])).toEqual(
			readEmbedderBundle(files)
		);
	});

	it('names an ONNX file transformers.js would not look for', () => {
		const files = folder('', ['weights/encoder.onnx']);
		const error = (() => {
			try {
				readEmbedderBundle(files);
			} catch (e) {
				return e;
			}
		})();
		expect(error).toBeInstanceOf(ModelCheckError);
		expect(error).toMatchObject({ check: 'archive', message: /^weights\/encoder\.onnx is not/ });
		expect(() => readEmbedderBundle(files)).toThrow(/is not where transformers\.js looks/);
	});

	it('refuses an upload over the limit before reading it', () => {
		const files = folder('', ['onnx/model.onnx']);
		expect(() => readEmbedderBundle(files, { maxBytes: 10, probeTimeoutMs: 1000 })).toThrow(
			/The upload is .* over the 10 bytes limit/
		);
	});
});
