import pkg from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { OPSET } from './static-onnx';

// onnx-proto is CommonJS: Node ESM cannot import `onnx` by name.
const { onnx } = pkg;
const { DataType } = onnx.TensorProto;

/**
 * A tag head as ONNX: embeddings [batch, dims] → scores [batch, labels] = sigmoid(h·W + b), h
 * the embeddings or, for a head with a hidden layer, relu(x·W1 + b1); the labels (output
 * columns, in order) as JSON in metadata_props. The maths of src/lib/ai/training/score-head.ts;
 * the same head always gives the same bytes.
 */
export const HEAD_INPUT = 'embeddings';
export const HEAD_OUTPUT = 'scores';
export const LABELS_KEY = 'labels';
const WEIGHTS = 'weights';
const BIAS = 'bias';
const HIDDEN_WEIGHTS = 'hidden_weights';
const HIDDEN_BIAS = 'hidden_bias';
const PRODUCER = 'thoughts10x models/head-onnx.ts';

/** A hidden ReLU layer: weights row per unit (size × dims). */
export interface HeadHiddenLayer {
	size: number;
	weights: Float32Array;
	bias: Float32Array;
}

/**
 * A head as the trainer produces it: output weights row per label (labels × inputs), the
 * inputs being the embeddings (dims) or the hidden layer's units.
 */
export interface LinearHead {
	dims: number;
	labels: readonly string[];
	hidden?: HeadHiddenLayer;
	weights: Float32Array;
	bias: Float32Array;
}

export class HeadOnnxError extends Error {
	readonly code = 'head-onnx';
}

function assertHeadShape({ dims, labels, hidden, weights, bias }: LinearHead): void {
	if (!Number.isInteger(dims) || dims < 1 || labels.length < 1) {
		throw new HeadOnnxError(`head: ${labels.length} labels over ${dims} dims`);
	}
	if (hidden) {
		const { size } = hidden;
		if (!Number.isInteger(size) || size < 1 || hidden.weights.length !== size * dims) {
			throw new HeadOnnxError(`head: hidden weights do not fit ${size} × ${dims}`);
		}
		if (hidden.bias.length !== size) throw new HeadOnnxError(`head: hidden bias is not ${size}`);
	}
	const inputs = hidden?.size ?? dims;
	if (weights.length !== labels.length * inputs || bias.length !== labels.length) {
		throw new HeadOnnxError(`head: weights or bias do not fit ${labels.length} × ${inputs}`);
	}
}

/** A rows × columns matrix (row-major) transposed to columns × rows, as MatMul takes it. */
function transposed(matrix: Float32Array, rows: number, columns: number): number[] {
	const out = new Array<number>(matrix.length);
	for (let r = 0; r < rows; r++) {
		for (let c = 0; c < columns; c++) out[c * rows + r] = matrix[r * columns + c];
	}
	return out;
}

/** Back from columns × rows to rows × columns. */
function untransposed(data: Float32Array, rows: number, columns: number): Float32Array {
	const out = new Float32Array(data.length);
	for (let c = 0; c < columns; c++) {
		for (let r = 0; r < rows; r++) out[r * columns + c] = data[c * rows + r];
	}
	return out;
}

// floatData, not rawData: protobuf writes it little-endian on any platform.
const floatTensor = (name: string, dims: number[], data: number[]): Onnx.ITensorProto => ({
	name,
	dataType: DataType.FLOAT,
	dims,
	floatData: data
});

/** The nodes and initializers of sigmoid(h·W + b), h = relu(x·W1 + b1) with a hidden layer. */
function graphParts(head: LinearHead) {
	const { dims, labels, hidden, weights, bias } = head;
	const inputs = hidden?.size ?? dims;
	const output = [
		floatTensor(WEIGHTS, [inputs, labels.length], transposed(weights, labels.length, inputs)),
		floatTensor(BIAS, [labels.length], Array.from(bias))
	];
	const scores: Onnx.INodeProto[] = [
		{ opType: 'Add', input: ['logits_raw', BIAS], output: ['logits'], name: 'add' },
		{ opType: 'Sigmoid', input: ['logits'], output: [HEAD_OUTPUT], name: 'sigmoid' }
	];
	if (!hidden) {
		const matmul = { opType: 'MatMul', input: [HEAD_INPUT, WEIGHTS], output: ['logits_raw'] };
		return { node: [{ ...matmul, name: 'matmul' }, ...scores], initializer: output };
	}
	const { size } = hidden;
	return {
		node: [
			{
				opType: 'MatMul',
				input: [HEAD_INPUT, HIDDEN_WEIGHTS],
				output: ['hidden_raw'],
				name: 'hidden_matmul'
			},
			{
				opType: 'Add',
				input: ['hidden_raw', HIDDEN_BIAS],
				output: ['hidden_in'],
				name: 'hidden_add'
			},
			{ opType: 'Relu', input: ['hidden_in'], output: ['hidden'], name: 'relu' },
			{ opType: 'MatMul', input: ['hidden', WEIGHTS], output: ['logits_raw'], name: 'matmul' },
			...scores
		],
		initializer: [
			floatTensor(HIDDEN_WEIGHTS, [dims, size], transposed(hidden.weights, size, dims)),
			floatTensor(HIDDEN_BIAS, [size], Array.from(hidden.bias)),
			...output
		]
	};
}

function tensorInfo(name: string, dims: (number | string)[]): Onnx.IValueInfoProto {
	const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
	return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

export function buildHeadOnnx(head: LinearHead): Uint8Array {
	assertHeadShape(head);
	const { dims, labels } = head;
	const model = onnx.ModelProto.create({
		irVersion: onnx.Version.IR_VERSION,
		producerName: PRODUCER,
		opsetImport: [{ domain: '', version: OPSET }],
		metadataProps: [{ key: LABELS_KEY, value: JSON.stringify(labels) }],
		graph: {
			name: 'tag_head',
			...graphParts(head),
			input: [tensorInfo(HEAD_INPUT, ['batch', dims])],
			output: [tensorInfo(HEAD_OUTPUT, ['batch', labels.length])]
		}
	});
	return onnx.ModelProto.encode(model).finish();
}

function parseLabels(model: Onnx.ModelProto): string[] {
	const entry = model.metadataProps.find((prop) => prop.key === LABELS_KEY);
	let labels: unknown;
	try {
		labels = JSON.parse(entry?.value ?? 'null');
	} catch {
		throw new HeadOnnxError(`head ONNX: metadata "${LABELS_KEY}" is not JSON`);
	}
	if (!Array.isArray(labels) || !labels.length || !labels.every((l) => typeof l === 'string')) {
		throw new HeadOnnxError(`head ONNX: metadata "${LABELS_KEY}" is not a list of tags`);
	}
	return labels;
}

function decode(bytes: Uint8Array): Onnx.ModelProto {
	try {
		return onnx.ModelProto.decode(bytes);
	} catch (error) {
		throw new HeadOnnxError(`head ONNX: cannot decode (${(error as Error).message})`);
	}
}

/** The labels of a head, from its metadata_props (any head ONNX that carries them). */
export function readHeadLabels(bytes: Uint8Array): string[] {
	return parseLabels(decode(bytes));
}

/** A head built by buildHeadOnnx, back as weights (to score it in TypeScript). */
export function readHead(bytes: Uint8Array): LinearHead {
	const model = decode(bytes);
	const labels = parseLabels(model);
	const tensor = (name: string) => {
		const found = model.graph?.initializer?.find((t) => t.name === name);
		if (!found?.floatData?.length) throw new HeadOnnxError(`head ONNX: no float ${name}`);
		return { dims: (found.dims ?? []).map(Number), data: Float32Array.from(found.floatData) };
	};
	const matrix = tensor(WEIGHTS);
	const [inputs, width] = matrix.dims;
	if (width !== labels.length) throw new HeadOnnxError('head ONNX: weights do not fit the labels');
	const weights = untransposed(matrix.data, width, inputs);
	const isHidden = model.graph?.initializer?.some((t) => t.name === HIDDEN_WEIGHTS);
	if (!isHidden) {
		const head = { dims: inputs, labels, weights, bias: tensor(BIAS).data };
		assertHeadShape(head);
		return head;
	}
	const layer = tensor(HIDDEN_WEIGHTS);
	const [dims, size] = layer.dims;
	const hidden = {
		size,
		weights: untransposed(layer.data, size, dims),
		bias: tensor(HIDDEN_BIAS).data
	};
	const head = { dims, labels, hidden, weights, bias: tensor(BIAS).data };
	assertHeadShape(head);
	return head;
}
