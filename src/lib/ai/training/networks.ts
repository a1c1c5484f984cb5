import { crossEntropy, sigmoid } from './logistic';

/** A head's optional hidden layer: relu(x·W1ᵀ + b1), `size` units. */
export interface HiddenLayer {
	size: number;
	/** Row per unit: size × dims. */
	weights: Float32Array;
	bias: Float32Array;
}

/** A trained tag head: sigmoid(h·Wᵀ + b), h the input itself or its hidden layer. */
export interface TrainedHead {
	dims: number;
	labels: string[];
	hidden?: HiddenLayer;
	/** Row per label: labels × (hidden size, or dims). */
	weights: Float32Array;
	bias: Float32Array;
}

/** What an example's gradient needs: the data and each label's class weights. */
export interface Examples {
	x: Float32Array;
	y: Uint8Array;
	dims: number;
	labels: readonly string[];
	positive: Float64Array;
	negative: Float64Array;
}

/** Parameters in one flat vector, and the gradient of one example added into `grad`. */
export interface Network {
	params: Float64Array;
	/** 1 where L2 applies (weights), 0 for biases. */
	decay: Uint8Array;
	/** Adds example `row`'s gradient into grad; returns its weighted loss summed over labels. */
	accumulate(row: number, grad: Float64Array): number;
	toHead(): TrainedHead;
}

/** a[p, p + n) · b[q, q + n), four sums at once. */
function dot(a: Float64Array, p: number, b: Float32Array | Float64Array, q: number, n: number) {
	let s0 = 0;
	let s1 = 0;
	let s2 = 0;
	let s3 = 0;
	let d = 0;
	for (; d + 3 < n; d += 4) {
		s0 += a[p + d] * b[q + d];
		s1 += a[p + d + 1] * b[q + d + 1];
		s2 += a[p + d + 2] * b[q + d + 2];
		s3 += a[p + d + 3] * b[q + d + 3];
	}
	for (; d < n; d++) s0 += a[p + d] * b[q + d];
	return s0 + s1 + (s2 + s3);
}

/** Sigmoid outputs against the labels of `row`: loss, and the output gradient into `out`. */
function outputGradient(examples: Examples, row: number, logits: Float64Array, out: Float64Array) {
	const { y, labels, positive, negative } = examples;
	const labelCount = labels.length;
	let loss = 0;
	for (let l = 0; l < labelCount; l++) {
		const label = y[row * labelCount + l];
		const weight = label ? positive[l] : negative[l];
		const probability = sigmoid(logits[l]);
		loss += weight * crossEntropy(probability, label);
		out[l] = weight * (probability - label);
	}
	return loss;
}

const toFloat32 = (params: Float64Array, from: number, length: number) =>
	Float32Array.from(params.subarray(from, from + length));

/** One-vs-rest logistic regression; params per label: dims weights, then its bias. */
export function linearNetwork(examples: Examples): Network {
	const { x, dims, labels } = examples;
	const labelCount = labels.length;
	const width = dims + 1;
	const params = new Float64Array(labelCount * width);
	const decay = Uint8Array.from(params, (_, i) => (i % width === dims ? 0 : 1));
	const logits = new Float64Array(labelCount);
	const out = new Float64Array(labelCount);
	return {
		params,
		decay,
		accumulate(row, grad) {
			const offset = row * dims;
			for (let l = 0; l < labelCount; l++) {
				logits[l] = params[l * width + dims] + dot(params, l * width, x, offset, dims);
			}
			const loss = outputGradient(examples, row, logits, out);
			for (let l = 0, p = 0; l < labelCount; l++, p += width) {
				const g = out[l];
				for (let d = 0; d < dims; d++) grad[p + d] += g * x[offset + d];
				grad[p + dims] += g;
			}
			return loss;
		},
		toHead() {
			const weights = new Float32Array(labelCount * dims);
			const bias = new Float32Array(labelCount);
			for (let l = 0; l < labelCount; l++) {
				weights.set(params.subarray(l * width, l * width + dims), l * dims);
				bias[l] = params[l * width + dims];
			}
			return { dims, labels: [...labels], weights, bias };
		}
	};
}

/**
 * One hidden ReLU layer of `size` units under the sigmoid outputs. Params: W1 (size × dims),
 * b1, W2 (labels × size), b2; weights start uniform in ±√(6 / fan-in) from the seeded
 * generator, biases at 0.
 */
export function mlpNetwork(examples: Examples, size: number, random: () => number): Network {
	const { x, dims, labels } = examples;
	const labelCount = labels.length;
	const b1 = size * dims;
	const w2 = b1 + size;
	const b2 = w2 + labelCount * size;
	const params = new Float64Array(b2 + labelCount);
	const decay = Uint8Array.from(params, (_, i) => (i < b1 || (i >= w2 && i < b2) ? 1 : 0));
	const uniform = (fanIn: number) => (random() / 2 ** 32 - 0.5) * 2 * Math.sqrt(6 / fanIn);
	for (let i = 0; i < b1; i++) params[i] = uniform(dims);
	for (let i = w2; i < b2; i++) params[i] = uniform(size);
	const hidden = new Float64Array(size);
	const hiddenGrad = new Float64Array(size);
	const logits = new Float64Array(labelCount);
	const out = new Float64Array(labelCount);
	return {
		params,
		decay,
		accumulate(row, grad) {
			const offset = row * dims;
			for (let u = 0; u < size; u++) {
				const z = params[b1 + u] + dot(params, u * dims, x, offset, dims);
				hidden[u] = z > 0 ? z : 0;
			}
			for (let l = 0; l < labelCount; l++) {
				logits[l] = params[b2 + l] + dot(params, w2 + l * size, hidden, 0, size);
			}
			const loss = outputGradient(examples, row, logits, out);
			hiddenGrad.fill(0);
			for (let l = 0, p = w2; l < labelCount; l++, p += size) {
				const g = out[l];
				if (g === 0) continue;
				for (let u = 0; u < size; u++) {
					grad[p + u] += g * hidden[u];
					hiddenGrad[u] += g * params[p + u];
				}
				grad[b2 + l] += g;
			}
			for (let u = 0, p = 0; u < size; u++, p += dims) {
				if (hidden[u] === 0) continue;
				const g = hiddenGrad[u];
				for (let d = 0; d < dims; d++) grad[p + d] += g * x[offset + d];
				grad[b1 + u] += g;
			}
			return loss;
		},
		toHead() {
			return {
				dims,
				labels: [...labels],
				hidden: { size, weights: toFloat32(params, 0, b1), bias: toFloat32(params, b1, size) },
				weights: toFloat32(params, w2, labelCount * size),
				bias: toFloat32(params, b2, labelCount)
			};
		}
	};
}
