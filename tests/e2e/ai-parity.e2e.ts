import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStaticTable } from '../../models/static-onnx';
import { toExportJson } from '../../src/lib/features/data/export-files';
import { embedIds } from '../../models/static-embedder';
import { parseVocabulary, tokenize } from '../../sync/ai/tokenizer';
import { newThoughtId } from '../../sync/ids';

const MODEL_DIR = 'static/models/glove-sif-50k';
const CORPUS = [
	'I adopted a kitten today',
	'Quarterly budget review with the finance team',
	'Flight to Lisbon leaves at 7am',
	'Finished reading a novel by Tolstoy',
	'Buy milk and eggs on the way home',
	'zzqx unknownword only',
	'The garden needs water; tomatoes are ripening!',
	'Meeting notes: ship v2, fix the login bug, hire a designer',
	'Café au lait and croissants in Paris',
	'1 2 3 4 5 6 7 8 9 10 numbers everywhere'
];

/** Vectors the app stored, computed by the AI worker (onnxruntime-web wasm) in Chromium. */
test('the browser worker computes the same vectors as the TypeScript oracle', async ({ page }) => {
	const dir = mkdtempSync(join(tmpdir(), 't10x-parity-'));
	try {
		const thoughts = CORPUS.map((text, i) => ({
			id: newThoughtId(1_700_000_000_000 + i),
			text,
			createdAt: new Date(1_700_000_000_000 + i).toISOString(),
			visibility: 'private' as const,
			pinned: false,
			tags: []
		}));
		const file = join(dir, 'corpus.json');
		writeFileSync(file, toExportJson(thoughts, new Date(0)));
		await page.goto('/data');
		await page.getByLabel('Import a JSON or Markdown zip export').setInputFiles(file);
		await expect(page.getByRole('status', { name: 'Data result' })).toContainText('Imported 10');
		await page.goto('/');

		await expect.poll(() => readVectors(page), { timeout: 30_000 }).toHaveLength(CORPUS.length);
		const stored = await readVectors(page);

		const table = readStaticTable(new Uint8Array(readFileSync(`${MODEL_DIR}/model.onnx`)));
		const vocab = parseVocabulary(readFileSync(`${MODEL_DIR}/vocab.txt`, 'utf8'));
		let maxDiff = 0;
		for (const { text, vector } of stored) {
			const expected = embedIds(tokenize(text, vocab), table);
			expect(vector).toHaveLength(expected.length);
			vector.forEach((value, d) => (maxDiff = Math.max(maxDiff, Math.abs(value - expected[d]))));
		}
		console.log(`worker vs oracle: max abs difference ${maxDiff.toExponential(2)}`);
		expect(maxDiff).toBeLessThanOrEqual(1e-4);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

/** Reads the vector blocks and thought texts straight from IndexedDB (latest entry per thought). */
function readVectors(page: import('@playwright/test').Page) {
	return page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const open = indexedDB.open('t10x-view:local');
			open.onsuccess = () => resolve(open.result);
			open.onerror = () => reject(open.error);
		});
		const all = <T>(store: string) =>
			new Promise<T[]>((resolve, reject) => {
				const request = db.transaction(store).objectStore(store).getAll();
				request.onsuccess = () => resolve(request.result as T[]);
				request.onerror = () => reject(request.error);
			});
		const thoughts = await all<{ id: string; text: string }>('thoughts');
		const blocks = await all<{ size: number; ids: string[]; vectors: Float32Array }>(
			'vectorBlocks'
		);
		db.close();
		const latest = new Map<string, number[]>();
		for (const { size, ids, vectors } of blocks) {
			const dims = vectors.length / size;
			ids.forEach((id, i) =>
				latest.set(id, Array.from(vectors.subarray(i * dims, (i + 1) * dims)))
			);
		}
		const text = new Map(thoughts.map((t) => [t.id, t.text]));
		return [...latest].map(([id, vector]) => ({ text: text.get(id) ?? '', vector }));
	});
}
