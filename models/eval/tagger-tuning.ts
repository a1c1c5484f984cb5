/**
 * How the trainer's fixed settings were chosen: on seeded libraries that models/eval/tagger.ts
 * never reports, and there only on an inner split of their train data (held-out thoughts are
 * left out entirely). Each setting is trained as the app trains (runTraining, its own cut
 * choice included) on the rest of the train split and scored on that inner validation split.
 * `npx tsx models/eval/tagger-tuning.ts`.
 */
import { buildDataset } from '../../src/lib/ai/training/dataset';
import { runTraining, type TrainingRequest } from '../../src/lib/ai/training/run-training';
import { idHash, isHeldOut } from '../../src/lib/ai/training/split';
import { defaultEpochs } from '../../src/lib/ai/training/train-head';
import { seededLibraryCase } from './tagger-cases';
import { MIN_EXAMPLES, SEED } from './tagger';

/** Libraries for tuning only: tagger.ts reports seeds 1 to 3. */
const TUNING_SEEDS = [11, 12];
const SIZE = 5000;
/** The inner validation split: the top fifth of the id hash, disjoint from isHeldOut's. */
const isValidation = (id: string) => idHash(id) >= 0.8 * 2 ** 32;

type Setting = Pick<TrainingRequest, 'l2' | 'hidden'> & { epochShare?: number };
const SETTINGS: Setting[] = [
	{ l2: 1e-4 },
	{ l2: 1e-3 },
	{ l2: 3e-3 },
	{ l2: 1e-2 },
	{ l2: 3e-3, epochShare: 0.5 },
	{ l2: 3e-3, epochShare: 2 },
	{ l2: 3e-3, hidden: 32 },
	{ l2: 1e-3, hidden: 64 }
];

for (const seed of TUNING_SEEDS) {
	const { rows, vectors } = seededLibraryCase(SIZE, seed);
	const train = rows.filter((row) => !isHeldOut(row.id));
	const { examples, labels } = await buildDataset(train, 'glove-sif-50k', {
		minExamples: MIN_EXAMPLES
	});
	const dims = vectors.get(examples[0].id)!.length;
	const x = new Float32Array(examples.length * dims);
	const y = new Uint8Array(examples.length * labels.length);
	examples.forEach((example, i) => {
		x.set(vectors.get(example.id)!, i * dims);
		for (const label of example.labels) y[i * labels.length + labels.indexOf(label)] = 1;
	});
	const heldOut = examples.map((example) => isValidation(example.id));
	const fitted = heldOut.filter((held) => !held).length;
	for (const { epochShare = 1, ...setting } of SETTINGS) {
		const epochs = Math.max(1, Math.round(defaultEpochs(fitted) * epochShare));
		const started = performance.now();
		const run = await runTraining({
			...{ x, y, n: examples.length, dims, labels, heldOut },
			...{ seed: SEED, active: null, epochs, ...setting }
		});
		const { heldOut: head, baseline } = run.metrics;
		console.log(
			`seed ${seed}, ${JSON.stringify({ ...setting, epochs })}: validation micro-F1 ${head.microF1.toFixed(3)} vs vote ${baseline.microF1.toFixed(3)} (${run.train}/${run.heldOut}), ${Math.round(performance.now() - started)} ms`
		);
	}
}
