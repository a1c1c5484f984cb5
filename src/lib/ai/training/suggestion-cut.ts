import { sigmoid } from './logistic';
import { evaluate } from './metrics';
import type { TrainedHead } from './networks';

/**
 * The score a head must reach to suggest a tag is chosen per training run, on an inner
 * validation split of the train data (never the held-out split the gate scores), and folded
 * into the output bias: the app then keeps one cut, 0.5, for every head. Candidates are logit
 * offsets in quarter steps (cuts from about 0.08 to 0.92), exact numbers on every engine.
 */
export const CUT_OFFSETS = Array.from({ length: 21 }, (_, i) => (i - 10) / 4);
/** One train example in this many validates the cut (the dataset is sorted by id). */
export const VALIDATION_EVERY = 4;
/** Fewer validation examples than this keep the plain 0.5 cut: too few to choose by. */
export const MIN_VALIDATION = 20;

/** Train rows split into those fitted and those validating the cut, the same on every device. */
export function validationSplit(rows: readonly number[]): { fit: number[]; validate: number[] } {
	const fit: number[] = [];
	const validate: number[] = [];
	rows.forEach((row, i) =>
		(i % VALIDATION_EVERY === VALIDATION_EVERY - 1 ? validate : fit).push(row)
	);
	return { fit, validate };
}

/**
 * The offset whose cut gives the best micro-F1 of at most three suggestions on the validation
 * examples; among equals the one nearest 0 (the plain cut), then the lower.
 */
export function bestCutOffset(
	scores: Float32Array,
	truth: Uint8Array,
	n: number,
	labels: readonly string[]
): number {
	let best = 0;
	let bestF1 = -1;
	const byNearness = [...CUT_OFFSETS].sort((a, b) => Math.abs(a) - Math.abs(b) || a - b);
	for (const offset of byNearness) {
		const { microF1 } = evaluate(scores, truth, n, labels, 3, sigmoid(offset));
		if (microF1 > bestF1) {
			best = offset;
			bestF1 = microF1;
		}
	}
	return best;
}

/** The head with its cut moved by `offset`: sigmoid(z − offset) ≥ 0.5 where z ≥ offset. */
export function withCutOffset(head: TrainedHead, offset: number): TrainedHead {
	return { ...head, bias: head.bias.map((b) => b - offset) };
}
