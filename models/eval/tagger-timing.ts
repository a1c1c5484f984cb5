/**
 * What training a tagger costs at 50,000 thoughts in Node: embedding every tagged thought's
 * text without its tags with the built-in static model (as the Models screen now does before
 * training) and runTraining itself. `npx tsx models/eval/tagger-timing.ts [count]`.
 */
import { generateThoughts } from '../../scripts/seed-data';
import { parseTags } from '../../sync/tags';
import { buildDataset } from '../../src/lib/ai/training/dataset';
import { runTraining } from '../../src/lib/ai/training/run-training';
import { isHeldOut } from '../../src/lib/ai/training/split';
import { embedWithoutTags } from '../../src/lib/ai/training/tagless-text';
import { loadBuiltinModel } from './evaluate';
import { MIN_EXAMPLES, SEED } from './tagger';

/** The static model's job size in the app (SemanticIndex's BATCH). */
const JOB = 1024;

const count = Number(process.argv[2] ?? 50_000);
const { embed } = loadBuiltinModel();
const thoughts = generateThoughts(count, 1, Date.UTC(2026, 0, 1));
const rows = thoughts
	.map((t) => ({ id: t.id, hash: t.id, text: t.text, tags: parseTags(t.text) }))
	.filter((row) => row.tags.length);

let started = performance.now();
const vectors = await embedWithoutTags(rows, async (texts) => {
	const out: Float32Array[] = [];
	for (let i = 0; i < texts.length; i += JOB) {
		out.push(...texts.slice(i, i + JOB).map(embed));
		// A job per batch, as through the worker: the event loop turns between them.
		await new Promise((resolve) => setTimeout(resolve, 0));
	}
	return out;
});
const embedMs = performance.now() - started;

const dataset = await buildDataset(rows, 'glove-sif-50k', { minExamples: MIN_EXAMPLES });
const { examples, labels } = dataset;
const dims = vectors.values().next().value!.length;
const x = new Float32Array(examples.length * dims);
const y = new Uint8Array(examples.length * labels.length);
examples.forEach((example, i) => {
	x.set(vectors.get(example.id)!, i * dims);
	for (const label of example.labels) y[i * labels.length + labels.indexOf(label)] = 1;
});
started = performance.now();
const heldOut = examples.map((example) => isHeldOut(example.id));
const run = await runTraining({
	x,
	y,
	n: examples.length,
	dims,
	labels,
	heldOut,
	seed: SEED,
	active: null
});
const trainMs = performance.now() - started;
console.log(
	`${count} thoughts, ${rows.length} tagged, ${labels.length} tags: embedding without tags ${Math.round(embedMs)} ms, runTraining ${Math.round(trainMs)} ms (train ${run.train}, held out ${run.heldOut}, held-out micro-F1 ${run.metrics.heldOut.microF1.toFixed(3)} vs vote ${run.metrics.baseline.microF1.toFixed(3)})`
);
