import { buildHeadOnnx, readHead } from '../../../../models/head-onnx';
import { evaluate, type EvalMetrics } from './metrics';
import { neighbourVoteScores, type LabelledVectors } from './neighbour-vote';
import { alignScores, scoreHead, SUGGESTION_CUT } from './score-head';
import { bestCutOffset, MIN_VALIDATION, validationSplit, withCutOffset } from './suggestion-cut';
import {
	defaultEpochs,
	trainHead,
	TrainingError,
	type TrainedHead,
	type TrainOptions
} from './train-head';

/**
 * The neighbour vote scans the whole train split for every held-out thought it scores: at
 * 50,000 thoughts all 10,000 held out would take longer than training. So it scores at most
 * this many (held-out, train) pairs, spread evenly over the split (the same on every device),
 * and never fewer than MIN_EVALUATED thoughts.
 */
export const VOTE_BUDGET = 8_000_000;
export const MIN_EVALUATED = 250;

export interface TrainingRequest extends LabelledVectors {
	dims: number;
	labels: string[];
	/** Per example: held out for evaluation (isHeldOut of its thought id). */
	heldOut: readonly boolean[];
	seed: number;
	/** Passes over the train split; defaultEpochs(train size) when left out. */
	epochs?: number;
	/** Hidden ReLU units and weight decay (train-head.ts HIDDEN_UNITS, L2 when left out). */
	hidden?: number;
	l2?: number;
	/** The active tagger, scored on the same held-out thoughts. */
	active: { bytes: Uint8Array; labels: string[] } | null;
}

export interface TrainingRun {
	/** The head as ONNX (models/head-onnx.ts). */
	bytes: Uint8Array;
	head: TrainedHead;
	metrics: { heldOut: EvalMetrics; baseline: EvalMetrics; active: EvalMetrics | null };
	train: number;
	heldOut: number;
}

export interface RunOptions extends Pick<TrainOptions, 'signal' | 'onEpoch'> {
	/** Scores a head that is not a linear one of ours (e.g. uploaded) with an ONNX runtime. */
	scoreActive?(bytes: Uint8Array, x: Float32Array, n: number): Promise<Float32Array>;
}

/** The rows of `set` picked by `rows`, as their own matrices. */
function pick(set: LabelledVectors, rows: number[], dims: number, labelCount: number) {
	const x = new Float32Array(rows.length * dims);
	const y = new Uint8Array(rows.length * labelCount);
	rows.forEach((row, i) => {
		x.set(set.x.subarray(row * dims, (row + 1) * dims), i * dims);
		y.set(set.y.subarray(row * labelCount, (row + 1) * labelCount), i * labelCount);
	});
	return { x, y, n: rows.length };
}

function evenSample(rows: number[], max: number): number[] {
	if (rows.length <= max) return rows;
	return Array.from({ length: max }, (_, i) => rows[Math.floor((i * rows.length) / max)]);
}

/**
 * Trains a head on the train split and scores it, the neighbour vote and the active tagger on
 * the held-out split: everything the promotion gate needs, in one call for the training worker.
 */
export async function runTraining(
	request: TrainingRequest,
	options: RunOptions = {}
): Promise<TrainingRun> {
	const { dims, labels, seed } = request;
	if (request.heldOut.length !== request.n) {
		throw new TrainingError(
			'shape',
			`heldOut has ${request.heldOut.length} of ${request.n} examples`
		);
	}
	const trainRows: number[] = [];
	const heldOutRows: number[] = [];
	request.heldOut.forEach((held, row) => (held ? heldOutRows : trainRows).push(row));
	if (!trainRows.length) throw new TrainingError('shape', 'Every example is held out');
	const train = pick(request, trainRows, dims, labels.length);
	const epochs = request.epochs ?? defaultEpochs(train.n);
	const { fit, validate } = validationSplit(trainRows);
	// The cut's run, half the passes over three quarters of the train split, reports no epochs:
	// progress counts the head's own passes. A cancel still lands between its epochs.
	const offset =
		validate.length >= MIN_VALIDATION
			? await chooseCutOffset(request, fit, validate, {
					seed,
					epochs: Math.ceil(epochs / 2),
					hidden: request.hidden,
					l2: request.l2,
					signal: options.signal
				})
			: 0;
	const trained = await trainHead(
		train.x,
		train.y,
		{ n: train.n, dims, labels },
		{
			seed,
			epochs,
			hidden: request.hidden,
			l2: request.l2,
			signal: options.signal,
			onEpoch: options.onEpoch
		}
	);
	const head = withCutOffset(trained, offset);

	const evaluated = Math.max(MIN_EVALUATED, Math.floor(VOTE_BUDGET / train.n));
	const held = pick(request, evenSample(heldOutRows, evaluated), dims, labels.length);
	const score = (scores: Float32Array, cut: number) =>
		evaluate(scores, held.y, held.n, labels, 3, cut);
	const baseline = neighbourVoteScores(train, held, dims, labels.length);
	return {
		bytes: buildHeadOnnx(head),
		head,
		metrics: {
			heldOut: score(scoreHead(head, held.x, held.n), SUGGESTION_CUT),
			baseline: score(baseline, 0),
			active:
				request.active &&
				score(await activeScores(request.active, held, labels, options), SUGGESTION_CUT)
		},
		train: train.n,
		heldOut: heldOutRows.length
	};
}

/** Trains on `fit` and returns the cut offset that suits `validate` best (suggestion-cut.ts). */
async function chooseCutOffset(
	request: TrainingRequest,
	fit: number[],
	validate: number[],
	options: TrainOptions
): Promise<number> {
	const { dims, labels } = request;
	const fitted = pick(request, fit, dims, labels.length);
	const head = await trainHead(fitted.x, fitted.y, { n: fitted.n, dims, labels }, options);
	const held = pick(request, validate, dims, labels.length);
	return bestCutOffset(scoreHead(head, held.x, held.n), held.y, held.n, labels);
}

async function activeScores(
	active: NonNullable<TrainingRequest['active']>,
	held: { x: Float32Array; n: number },
	labels: readonly string[],
	{ scoreActive }: RunOptions
): Promise<Float32Array> {
	const scores = scoreActive
		? await scoreActive(active.bytes, held.x, held.n)
		: scoreHead(readHead(active.bytes), held.x, held.n);
	return alignScores(scores, held.n, active.labels, labels);
}
