import pkg from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { NORM_EPSILON, type StaticTable } from './static-embedder';
import { UNKNOWN_ID } from '../sync/ai/tokenizer';

// onnx-proto is CommonJS: Node ESM cannot import `onnx` by name.
const { onnx } = pkg;
const { DataType } = onnx.TensorProto;

/** Fixed so the graph keeps its meaning: ReduceSum/Unsqueeze take axes as inputs from 13,
 * ReduceL2 takes them as an attribute until 18. */
export const OPSET = 17;
export const INPUT_NAME = 'input_ids';
export const OUTPUT_NAME = 'embeddings';
const TABLE = 'table';
const SCALES = 'scales';

// Initialiser bytes go out as they sit in memory; ONNX raw_data is little-endian.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
	throw new Error('static-onnx needs a little-endian platform');
}

function rawBytes(data: ArrayBufferView): Uint8Array {
	return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function initializer(
	name: string,
	dataType: number,
	dims: number[],
	data: ArrayBufferView
): Onnx.ITensorProto {
	return { name, dataType, dims, rawData: rawBytes(data) };
}

function node(
	opType: string,
	input: string[],
	output: string[],
	attributes: Record<string, number | number[]> = {}
): Onnx.INodeProto {
	const attribute = Object.entries(attributes).map(([name, value]) =>
		Array.isArray(value)
			? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value }
			: { name, type: onnx.AttributeProto.AttributeType.INT, i: value }
	);
	return { opType, input, output, name: output[0], attribute };
}

function valueInfo(
	name: string,
	elemType: number,
	dims: (number | string)[]
): Onnx.IValueInfoProto {
	const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
	return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/** The oracle's maths (models/static-embedder.ts) as nodes: [batch, seq] ids → [batch, dims]. */
function embedderNodes(): Onnx.INodeProto[] {
	return [
		node('Gather', [TABLE, INPUT_NAME], ['rows_int8']),
		node('Cast', ['rows_int8'], ['rows'], { to: DataType.FLOAT }),
		node('Gather', [SCALES, INPUT_NAME], ['row_scales']),
		// The mask, not the zero row 0, is what keeps unknown words out of the count.
		node('Greater', [INPUT_NAME, 'unknown_id'], ['is_known']),
		node('Cast', ['is_known'], ['mask'], { to: DataType.FLOAT }),
		node('Mul', ['row_scales', 'mask'], ['weights']),
		node('Unsqueeze', ['weights', 'last_axis'], ['weights_3d']),
		node('Mul', ['rows', 'weights_3d'], ['weighted']),
		node('ReduceSum', ['weighted', 'seq_axis'], ['sum'], { keepdims: 0 }),
		node('ReduceSum', ['mask', 'seq_axis'], ['count'], { keepdims: 1 }),
		node('Max', ['count', 'one'], ['divisor']),
		node('Div', ['sum', 'divisor'], ['mean']),
		node('ReduceL2', ['mean'], ['norm'], { axes: [1], keepdims: 1 }),
		// LpNormalization would turn an all-unknown row into NaN; this leaves it zero.
		node('Max', ['norm', 'epsilon'], ['safe_norm']),
		node('Div', ['mean', 'safe_norm'], [OUTPUT_NAME])
	];
}

/** Only what the graph reads: ORT warns about every unused initialiser. */
function initializers({ dims, values, scales }: StaticTable): Onnx.ITensorProto[] {
	return [
		initializer(TABLE, DataType.INT8, [scales.length, dims], values),
		initializer(SCALES, DataType.FLOAT, [scales.length], scales),
		initializer('unknown_id', DataType.INT32, [], Int32Array.of(UNKNOWN_ID)),
		initializer('seq_axis', DataType.INT64, [1], BigInt64Array.of(1n)),
		initializer('last_axis', DataType.INT64, [1], BigInt64Array.of(2n)),
		initializer('one', DataType.FLOAT, [], Float32Array.of(1)),
		initializer('epsilon', DataType.FLOAT, [], Float32Array.of(NORM_EPSILON))
	];
}

function assertTableShape({ dims, values, scales }: StaticTable): void {
	if (!Number.isInteger(dims) || dims < 1 || values.length !== scales.length * dims) {
		throw new Error(`static table: ${values.length} values do not fill ${scales.length}×${dims}`);
	}
}

/** The pooled static embedder as ONNX bytes; the same table always gives the same bytes. */
export function buildStaticEmbedderOnnx(table: StaticTable): Uint8Array {
	assertTableShape(table);
	const model = onnx.ModelProto.create({
		irVersion: onnx.Version.IR_VERSION,
		producerName: 'thoughts10x models/static-onnx.ts',
		opsetImport: [{ domain: '', version: OPSET }],
		graph: {
			name: 'static_embedder',
			node: embedderNodes(),
			initializer: initializers(table),
			input: [valueInfo(INPUT_NAME, DataType.INT32, ['batch', 'sequence'])],
			output: [valueInfo(OUTPUT_NAME, DataType.FLOAT, ['batch', table.dims])]
		}
	});
	return onnx.ModelProto.encode(model).finish();
}

function findInitializer(graph: Onnx.IGraphProto, name: string, dataType: number) {
	const tensor = graph.initializer?.find((t) => t.name === name);
	if (!tensor?.rawData || tensor.dataType !== dataType) {
		throw new Error(`static embedder ONNX: no raw ${name} initialiser of type ${dataType}`);
	}
	// A fresh copy: the decoded bytes may be a view at any offset of a larger (Node Buffer pool)
	// buffer, unaligned for floats; Buffer#slice would not copy.
	return { dims: (tensor.dims ?? []).map(Number), bytes: new Uint8Array(tensor.rawData) };
}

/** The table back out of a model built by buildStaticEmbedderOnnx (for the TypeScript oracle). */
export function readStaticTable(onnxBytes: Uint8Array): StaticTable {
	const graph = onnx.ModelProto.decode(onnxBytes).graph ?? {};
	const values = findInitializer(graph, TABLE, DataType.INT8);
	const scales = findInitializer(graph, SCALES, DataType.FLOAT);
	const table = {
		dims: values.dims[1],
		values: new Int8Array(values.bytes.buffer),
		scales: new Float32Array(scales.bytes.buffer)
	};
	assertTableShape(table);
	return table;
}
