import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeStorage, parseManifest, storageRows } from './storage';

const manifest = JSON.parse(
	readFileSync(
		new URL('../../../../static/models/glove-sif-50k/manifest.json', import.meta.url),
		'utf8'
	)
) as unknown;

describe('parseManifest', () => {
	it('reads the shipped manifest: its files and their sizes', () => {
		const model = parseManifest(manifest);
		expect(model.id).toBe('glove-sif-50k');
		expect(model.files.map((f) => f.path)).toEqual(['model.onnx', 'vocab.txt']);
		expect(model.files.every((f) => f.bytes > 0)).toBe(true);
	});

	it('rejects a manifest without file sizes', () => {
		expect(() => parseManifest({ id: 'x', version: '1', files: [{ path: 'a' }] })).toThrow();
	});
});

describe('storageRows', () => {
	const model = {
		id: 'm',
		version: '1.0.0',
		files: [
			{ path: 'model.onnx', bytes: 3000 },
			{ path: 'vocab.txt', bytes: 1000 }
		]
	};

	it('adds up model files and sizes vectors as count × dims × 4 bytes', () => {
		const rows = storageRows([model], [{ model: 'm', count: 10, dims: 384 }]);
		expect(rows).toEqual([
			{ name: 'm 1.0.0', kind: 'model', detail: '2 files: model.onnx, vocab.txt', bytes: 4000 },
			{ name: 'm', kind: 'vectors', detail: '10 vectors × 384 dims', bytes: 15360 }
		]);
		expect(describeStorage(rows)).toBe(
			'Storage used on this device: m 1.0.0 model 3.9 KiB; m vectors 15.0 KiB; 18.9 KiB in total.'
		);
	});

	it('is empty before the manifest loads and with no vectors', () => {
		expect(storageRows([], [])).toEqual([]);
	});
});
