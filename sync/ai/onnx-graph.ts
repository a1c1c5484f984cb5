import pkg from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { ModelCheckError } from './model-check-error';

// onnx-proto is CommonJS: Node ESM cannot import `onnx` by name (notes/ai.md §3.5).
const { onnx } = pkg;
const { DataType, DataLocation } = onnx.TensorProto;

/** One input or output: `dims` holds a number for a fixed size, a name for a free one. */
export interface TensorSig {
	name: string;
	/** onnxruntime's name for the element type: 'float32', 'int64', … */
	type: string;
	dims: (number | string)[];
}

export interface OnnxSignature {
	inputs: TensorSig[];
	outputs: TensorSig[];
}

/** The ONNX operator domain every runtime implements; '' and 'ai.onnx' both name it. */
const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

const TYPE_NAMES: Partial<Record<number, string>> = {
	[DataType.FLOAT]: 'float32',
	[DataType.UINT8]: 'uint8',
	[DataType.INT8]: 'int8',
	[DataType.UINT16]: 'uint16',
	[DataType.INT16]: 'int16',
	[DataType.INT32]: 'int32',
	[DataType.INT64]: 'int64',
	[DataType.STRING]: 'string',
	[DataType.BOOL]: 'bool',
	[DataType.FLOAT16]: 'float16',
	[DataType.DOUBLE]: 'float64',
	[DataType.UINT32]: 'uint32',
	[DataType.UINT64]: 'uint64',
	[DataType.BFLOAT16]: 'bfloat16'
};

/** Bytes → a model with a graph, or the 'decode' error saying what the bytes are instead. */
export function decodeOnnx(bytes: Uint8Array): Onnx.ModelProto {
	let model: Onnx.ModelProto;
	try {
		model = onnx.ModelProto.decode(bytes);
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		throw new ModelCheckError(
			'decode',
			`This is not an ONNX model: its bytes do not decode as one (${reason}).`
		);
	}
	// Text or another format can decode as an almost empty message: a model has a graph of nodes.
	if (!model.graph?.node?.length) {
		throw new ModelCheckError('decode', 'This is not an ONNX model: it holds no graph of nodes.');
	}
	return model;
}

/** The version of the default operator set the model was built for, or null when it has none. */
export function defaultOpset(model: Onnx.IModelProto): number | null {
	const entry = model.opsetImport?.find((opset) => DEFAULT_DOMAINS.has(opset.domain ?? ''));
	return entry ? Number(entry.version) : null;
}

/** Every graph of the model: the main one and each subgraph of If, Loop, Scan… nodes. */
function graphsOf(graph: Onnx.IGraphProto): Onnx.IGraphProto[] {
	const nested = (graph.node ?? []).flatMap((node) =>
		(node.attribute ?? []).flatMap((attribute) => [
			...(attribute.g ? [attribute.g] : []),
			...(attribute.graphs ?? [])
		])
	);
	return [graph, ...nested.flatMap(graphsOf)];
}

function nodesOf(model: Onnx.IModelProto): Onnx.INodeProto[] {
	const graphs = model.graph ? graphsOf(model.graph) : [];
	const functions = (model.functions ?? []).map((fn) => ({ node: fn.node }));
	return [...graphs, ...functions].flatMap((graph) => graph.node ?? []);
}

/** Distinct operators, sorted; one outside the default domain is written `domain:Op`. */
export function operatorsOf(model: Onnx.IModelProto): { used: string[]; foreign: string[] } {
	const used = new Set<string>();
	const foreign = new Set<string>();
	for (const node of nodesOf(model)) {
		const domain = node.domain ?? '';
		const name = DEFAULT_DOMAINS.has(domain) ? (node.opType ?? '') : `${domain}:${node.opType}`;
		used.add(name);
		if (!DEFAULT_DOMAINS.has(domain)) foreign.add(name);
	}
	return { used: [...used].sort(), foreign: [...foreign].sort() };
}

/** Names of tensors whose bytes live in another file, which an upload of one file lacks. */
export function externalTensorsOf(model: Onnx.IModelProto): string[] {
	const graphs = model.graph ? graphsOf(model.graph) : [];
	const tensors = [
		...graphs.flatMap((graph) => graph.initializer ?? []),
		...nodesOf(model).flatMap((node) =>
			(node.attribute ?? []).flatMap((attribute) => [
				...(attribute.t ? [attribute.t] : []),
				...(attribute.tensors ?? [])
			])
		)
	];
	return tensors
		.filter((t) => t.dataLocation === DataLocation.EXTERNAL || (t.externalData ?? []).length > 0)
		.map((t) => t.name ?? '(unnamed)');
}

function tensorSig(value: Onnx.IValueInfoProto): TensorSig {
	const name = value.name ?? '';
	const tensor = value.type?.tensorType;
	if (!tensor) {
		throw new ModelCheckError('signature', `"${name}" is not a tensor (a sequence, map or other).`);
	}
	const type = TYPE_NAMES[tensor.elemType ?? DataType.UNDEFINED] ?? 'unknown';
	const dims = (tensor.shape?.dim ?? []).map((dim) =>
		dim.dimValue !== undefined && dim.dimValue !== null && Number(dim.dimValue) > 0
			? Number(dim.dimValue)
			: dim.dimParam || '?'
	);
	return { name, type, dims };
}

/** Inputs a caller feeds (before IR 4, initialisers were listed as inputs too) and outputs. */
export function signatureOf(graph: Onnx.IGraphProto): OnnxSignature {
	const initialised = new Set((graph.initializer ?? []).map((t) => t.name));
	return {
		inputs: (graph.input ?? []).filter((i) => !initialised.has(i.name)).map(tensorSig),
		outputs: (graph.output ?? []).map(tensorSig)
	};
}

/** A string entry of the model's metadata_props (e.g. a head's `labels`), if it has one. */
export function metadataOf(model: Onnx.IModelProto, key: string): string | null {
	return model.metadataProps?.find((entry) => entry.key === key)?.value ?? null;
}
