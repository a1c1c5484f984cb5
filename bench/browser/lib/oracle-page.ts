import { readStaticTable } from '../../../models/static-onnx';
import { embedIds, type StaticTable } from '../../../models/static-embedder';
import { parseVocabulary, tokenize, type Vocabulary } from '../../../sync/ai/tokenizer';

/**
 * The indexing baseline, bundled into a script by oracle-baseline.ts and run in a page of the
 * app's origin: the plain TypeScript embedder on the main thread, no worker and no ONNX, reading
 * the view's thoughts and writing the vectors to its own database, one transaction per chunk:
 * one row per thought as the app stores them, or one row per chunk (`blocks`: its ids and one
 * Float32Array of all its vectors), which shows what the row count itself costs.
 */

const DB_NAME = 'oracle-baseline';
const CHUNK = 1_000;

let model: { table: StaticTable; vocab: Vocabulary } | undefined;

function done<T>(request: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
}

function committed(tx: IDBTransaction): Promise<void> {
	return new Promise((resolve, reject) => {
		tx.oncomplete = () => resolve();
		tx.onerror = () => reject(tx.error);
	});
}

function open(name: string): Promise<IDBDatabase> {
	const request = indexedDB.open(name);
	request.onupgradeneeded = () => request.result.createObjectStore('vectors', { keyPath: 'id' });
	return done(request);
}

async function prepare(location: string): Promise<void> {
	const [graph, vocab] = await Promise.all([
		fetch(`${location}model.onnx`).then((res) => res.arrayBuffer()),
		fetch(`${location}vocab.txt`).then((res) => res.text())
	]);
	model = { table: readStaticTable(new Uint8Array(graph)), vocab: parseVocabulary(vocab) };
	const db = await open(DB_NAME);
	const tx = db.transaction('vectors', 'readwrite');
	tx.objectStore('vectors').clear();
	await committed(tx);
	db.close();
}

type Thought = { id: string; text: string };

function concat(vectors: Float32Array[]): Float32Array {
	const out = new Float32Array(vectors.length * (vectors[0]?.length ?? 0));
	vectors.forEach((vector, i) => out.set(vector, i * vector.length));
	return out;
}

export type Layout = 'rows' | 'blocks';

/**
 * Milliseconds to read, embed and store every thought (and of that, embedding alone); the model
 * is loaded by prepare().
 */
async function index(
	viewDb: string,
	layout: Layout
): Promise<{ ms: number; embedMs: number; count: number }> {
	if (!model) throw new Error('call prepare() first');
	const { table, vocab } = model;
	const start = performance.now();
	const [view, db] = await Promise.all([open(viewDb), open(DB_NAME)]);
	const rows = await done<Thought[]>(view.transaction('thoughts').objectStore('thoughts').getAll());
	let embedMs = 0;
	for (let i = 0; i < rows.length; i += CHUNK) {
		const embedStart = performance.now();
		const chunk = rows.slice(i, i + CHUNK);
		const vectors = chunk.map((row) => embedIds(tokenize(row.text, vocab), table));
		embedMs += performance.now() - embedStart;
		const tx = db.transaction('vectors', 'readwrite');
		const store = tx.objectStore('vectors');
		if (layout === 'rows') chunk.forEach((row, j) => store.put({ id: row.id, vector: vectors[j] }));
		else store.put({ id: `block ${i}`, ids: chunk.map((row) => row.id), vectors: concat(vectors) });
		await committed(tx);
	}
	const ms = performance.now() - start;
	view.close();
	db.close();
	return { ms, embedMs, count: rows.length };
}

/** Largest |app − oracle| over the app's stored vectors of one model (up to `limit` of them). */
async function parity(viewDb: string, modelId: string, limit: number): Promise<number> {
	if (!model) throw new Error('call prepare() first');
	const view = await open(viewDb);
	const tx = view.transaction(['thoughts', 'vectorBlocks']);
	const blocks = await done<{ size: number; ids: string[]; vectors: Float32Array }[]>(
		tx.objectStore('vectorBlocks').index('model').getAll(modelId)
	);
	const vectors = blocks
		.flatMap(({ size, ids, vectors }) => {
			const dims = vectors.length / size;
			return ids.map((id, i) => ({ id, vector: vectors.subarray(i * dims, (i + 1) * dims) }));
		})
		.slice(0, limit);
	let worst = 0;
	for (const { id, vector } of vectors) {
		const row = await done<Thought>(tx.objectStore('thoughts').get(id));
		const expected = embedIds(tokenize(row.text, model.vocab), model.table);
		for (let d = 0; d < expected.length; d++) {
			worst = Math.max(worst, Math.abs(vector[d] - expected[d]));
		}
	}
	view.close();
	return vectors.length === 0 ? NaN : worst;
}

Object.assign(window, { __oracle: { prepare, index, parity } });
