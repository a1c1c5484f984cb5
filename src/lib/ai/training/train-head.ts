import { adamState, adamStep } from './adam';
import { linearNetwork, mlpNetwork, type Network, type TrainedHead } from './networks';
import { seededUint32, shuffle } from './random';

export type { HiddenLayer, TrainedHead } from './networks';

/**
 * A multi-label tag head over embedding vectors (one-vs-rest logistic outputs, optionally
 * under one hidden ReLU layer), trained with mini-batch Adam. Every buffer is allocated once
 * per run (no object per example), and the arithmetic runs in a fixed order on float64, so
 * the same data and seed give the same weights bit for bit.
 */
export interface HeadShape {
	/** Examples: x holds n × dims floats, y n × labels bytes (1 where the example has the tag). */
	n: number;
	dims: number;
	labels: readonly string[];
}

export interface TrainOptions {
	seed: number;
	epochs: number;
	/** Hidden ReLU units; 0 for a linear head. HIDDEN_UNITS when left out. */
	hidden?: number;
	/** Weight decay; L2 when left out. */
	l2?: number;
	signal?: AbortSignal;
	/** After each epoch, with the mean weighted loss per example and label. */
	onEpoch?(epoch: number, epochs: number, loss: number): void;
}

export const BATCH_SIZE = 64;
export const LEARNING_RATE = 0.02;
/** Where the learning rate ends after its linear decay, as a share of LEARNING_RATE. */
export const FINAL_RATE_SHARE = 0.1;
/** Chosen on inner validation splits of seeded libraries never reported (models/eval/tagger.ts). */
export const L2 = 3e-3;
export const HIDDEN_UNITS = 0;

export type TrainingErrorCode = 'aborted' | 'shape';

export class TrainingError extends Error {
	constructor(
		readonly code: TrainingErrorCode,
		message: string
	) {
		super(message);
	}
}

/**
 * Enough passes for about 1,500 optimiser steps (fewer examples, more passes), at least 2 and
 * at most 200: a small library converges, and 50,000 thoughts stay within seconds.
 */
export function defaultEpochs(n: number): number {
	const steps = Math.ceil(n / BATCH_SIZE);
	return Math.min(200, Math.max(2, Math.ceil(1500 / steps)));
}

function checkShape(x: Float32Array, y: Uint8Array, { n, dims, labels }: HeadShape): void {
	if (!Number.isInteger(n) || n < 1 || !Number.isInteger(dims) || dims < 1 || !labels.length) {
		throw new TrainingError('shape', `Nothing to train: ${n} examples, ${dims} dims`);
	}
	if (x.length !== n * dims || y.length !== n * labels.length) {
		throw new TrainingError('shape', `x or y does not hold ${n} examples`);
	}
}

/**
 * Class-balanced example weights per label (positives and negatives each weigh half), tempered
 * by a square root: a tag on 1 thought in 1,000 would otherwise weigh 500 times a negative and
 * be suggested everywhere.
 */
function classWeights(y: Uint8Array, n: number, labelCount: number) {
	const positive = new Float64Array(labelCount);
	const negative = new Float64Array(labelCount);
	for (let l = 0; l < labelCount; l++) {
		let count = 0;
		for (let i = l; i < y.length; i += labelCount) count += y[i];
		// Half an example at least on either side: a tag on every thought (or none) stays finite.
		const share = Math.min(Math.max(count, 0.5), n - 0.5) / n;
		positive[l] = Math.sqrt(0.5 / share);
		negative[l] = Math.sqrt(0.5 / (1 - share));
	}
	return { positive, negative };
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function trainHead(
	x: Float32Array,
	y: Uint8Array,
	shape: HeadShape,
	{ seed, epochs, hidden = HIDDEN_UNITS, l2 = L2, signal, onEpoch }: TrainOptions
): Promise<TrainedHead> {
	checkShape(x, y, shape);
	const random = seededUint32(seed);
	const examples = { x, y, ...shape, ...classWeights(y, shape.n, shape.labels.length) };
	const network = hidden > 0 ? mlpNetwork(examples, hidden, random) : linearNetwork(examples);
	const run = {
		network,
		adam: adamState(network.params, network.decay),
		order: Int32Array.from({ length: shape.n }, (_, i) => i),
		random,
		steps: epochs * Math.ceil(shape.n / BATCH_SIZE),
		l2
	};
	for (let epoch = 1; epoch <= epochs; epoch++) {
		if (signal?.aborted) throw new TrainingError('aborted', 'Training was cancelled');
		const loss = runEpoch(run);
		onEpoch?.(epoch, epochs, loss / (shape.n * shape.labels.length));
		// A cancel (and any other message) lands between epochs.
		await nextTask();
	}
	if (signal?.aborted) throw new TrainingError('aborted', 'Training was cancelled');
	return network.toHead();
}

interface Run {
	network: Network;
	adam: ReturnType<typeof adamState>;
	order: Int32Array;
	random: () => number;
	/** Optimiser steps over the whole run, for the learning-rate decay. */
	steps: number;
	l2: number;
}

/**
 * One pass in shuffled mini-batches; returns the summed weighted loss. The learning rate falls
 * linearly from LEARNING_RATE to FINAL_RATE_SHARE of it over the run. Not async: V8 optimises a
 * hot loop inside an async function far less well.
 */
function runEpoch({ network, adam, order, random, steps, l2 }: Run): number {
	shuffle(order, random);
	let loss = 0;
	for (let start = 0; start < order.length; start += BATCH_SIZE) {
		const end = Math.min(order.length, start + BATCH_SIZE);
		adam.grad.fill(0);
		for (let b = start; b < end; b++) loss += network.accumulate(order[b], adam.grad);
		const progress = adam.step / steps;
		const rate = LEARNING_RATE * (1 - (1 - FINAL_RATE_SHARE) * progress);
		adamStep(adam, end - start, rate, l2);
	}
	return loss;
}
