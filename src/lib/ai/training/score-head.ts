import { sigmoid } from './logistic';
import type { TrainedHead } from './train-head';

type ScoredHead = Pick<TrainedHead, 'dims' | 'weights' | 'bias' | 'hidden'>;

/** relu(x·W1ᵀ + b1) per example, as float32 like the ONNX graph's intermediate tensor. */
function hiddenLayer({ dims, hidden }: ScoredHead, x: Float32Array, n: number) {
	if (!hidden) return { h: x, width: dims };
	const { size, weights, bias } = hidden;
	const h = new Float32Array(n * size);
	for (let i = 0; i < n; i++) {
		for (let u = 0; u < size; u++) {
			let z = bias[u];
			for (let d = 0, w = u * dims; d < dims; d++, w++) z += weights[w] * x[i * dims + d];
			h[i * size + u] = z > 0 ? z : 0;
		}
	}
	return { h, width: size };
}

/**
 * What the head's ONNX graph computes (MatMul, Add, [Relu, MatMul, Add,] Sigmoid): n × labels
 * scores in [0, 1].
 */
export function scoreHead(head: ScoredHead, x: Float32Array, n: number): Float32Array {
	const { dims, weights, bias } = head;
	const labelCount = bias.length;
	if (x.length < n * dims) throw new RangeError(`x holds fewer than ${n} × ${dims} floats`);
	const { h, width } = hiddenLayer(head, x, n);
	const scores = new Float32Array(n * labelCount);
	for (let i = 0; i < n; i++) {
		const offset = i * width;
		for (let l = 0; l < labelCount; l++) {
			let z = bias[l];
			for (let d = 0, w = l * width; d < width; d++, w++) z += weights[w] * h[offset + d];
			scores[i * labelCount + l] = sigmoid(z);
		}
	}
	return scores;
}

/**
 * Scores over `from` labels as columns of `to` labels: a label `to` has and `from` lacks
 * scores 0, one only `from` has is dropped. Lets a head trained on older tags be compared.
 */
export function alignScores(
	scores: Float32Array,
	n: number,
	from: readonly string[],
	to: readonly string[]
): Float32Array {
	const source = new Map(from.map((label, i) => [label, i]));
	const aligned = new Float32Array(n * to.length);
	to.forEach((label, j) => {
		const i = source.get(label);
		if (i === undefined) return;
		for (let row = 0; row < n; row++) aligned[row * to.length + j] = scores[row * from.length + i];
	});
	return aligned;
}

/** A head suggests a tag it scores above this (at most three, best first). */
export const SUGGESTION_CUT = 0.5;
