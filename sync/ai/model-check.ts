import { checkTokenizer, type EmbedderBundle } from './model-bundle';
import {
	checkSize,
	DEFAULT_MODEL_LIMITS,
	ModelCheckError,
	type ModelLimits
} from './model-check-error';
import {
	decodeOnnx,
	defaultOpset,
	externalTensorsOf,
	metadataOf,
	operatorsOf,
	signatureOf,
	type OnnxSignature
} from './onnx-graph';
import { labelList, parseJson } from './model-labels';
import { checkEmbedderSignature, checkHeadSignature, signatureError } from './model-signature';
import { probeWithin, SAMPLE_TEXTS, sampleEmbeddings } from './model-sample';
import type { ModelProbe } from './onnx-probe';

export { DEFAULT_MODEL_LIMITS, MODEL_CHECKS, ModelCheckError } from './model-check-error';
export type { ModelCheck, ModelLimits } from './model-check-error';
export type { OnnxSignature, TensorSig } from './onnx-graph';
export type { ModelProbe, ProbeRequest, ProbeResult } from './onnx-probe';
export { parseLabels } from './model-labels';

/**
 * What onnxruntime-web and -node 1.30 load, measured against both (session create on generated
 * models): IR 14 fails "max supported IR version: 13", opset 27 "official support for domain
 * ai.onnx is till opset 26", and below opset 7 it only warns that support is not guaranteed.
 */
export const SUPPORTED_IR = { min: 3, max: 13 } as const;
export const SUPPORTED_OPSET = { min: 7, max: 26 } as const;

export type ModelTask = 'embed' | 'tag';

export interface CheckedOnnx {
	irVersion: number;
	opset: number;
	signature: OnnxSignature;
	/** Every operator the graph uses, sorted. */
	operators: string[];
	/** embed: the vector width (null when the graph leaves it free); tag: its input width. */
	dims: number | null;
	/** tag: how many scores the head gives (when fixed in the graph). */
	labelCount?: number;
	/** tag: the labels the head carries in its metadata (`labels`, JSON), if it does. */
	labels?: string[];
}

/** The static checks of one ONNX file, in order: decode, IR, opset, operators, data, signature. */
export function checkOnnx(
	bytes: Uint8Array,
	task: ModelTask,
	limits: ModelLimits = DEFAULT_MODEL_LIMITS
): CheckedOnnx {
	checkSize(bytes.length, limits, 'The ONNX file');
	const model = decodeOnnx(bytes);
	const irVersion = Number(model.irVersion);
	if (irVersion < SUPPORTED_IR.min || irVersion > SUPPORTED_IR.max) {
		throw new ModelCheckError(
			'ir',
			`ONNX IR version ${irVersion} is not supported: the runtime reads ${SUPPORTED_IR.min} to ${SUPPORTED_IR.max}.`
		);
	}
	const opset = defaultOpset(model);
	if (opset === null || opset < SUPPORTED_OPSET.min || opset > SUPPORTED_OPSET.max) {
		throw new ModelCheckError(
			'opset',
			`${opset === null ? 'The model imports no standard ONNX opset' : `Opset ${opset} is not supported`}: the runtime runs opsets ${SUPPORTED_OPSET.min} to ${SUPPORTED_OPSET.max}.`
		);
	}
	const operators = operatorsOf(model);
	if (operators.foreign.length > 0) {
		throw new ModelCheckError(
			'operators',
			`Only standard ONNX operators run everywhere; unsupported operators: ${operators.foreign.join(', ')}.`
		);
	}
	const external = externalTensorsOf(model);
	if (external.length > 0) {
		throw new ModelCheckError(
			'external-data',
			`Weights stored outside the file (${external.slice(0, 5).join(', ')}); save the model as one file.`
		);
	}
	const signature = signatureOf(model.graph!);
	const base = { irVersion, opset, signature, operators: operators.used };
	if (task === 'embed') return { ...base, dims: checkEmbedderSignature(signature).dims };
	const metadata = metadataOf(model, 'labels');
	const labels = metadata === null ? undefined : labelList(parseJson(metadata, 'metadata labels'));
	return { ...base, ...checkHeadSignature(signature), labels };
}

export type ModelUpload =
	| { task: 'tag'; onnx: Uint8Array; labels: string[] | null; embedderDims: number }
	| { task: 'embed'; bundle: EmbedderBundle };

/** A model that passed every check, with what the registry records about it. */
export interface ValidatedModel extends CheckedOnnx {
	task: ModelTask;
	format: 'head' | 'transformers';
	onnx: Uint8Array;
	/** embed: the bundle (its ONNX file's path and the tokenizer files). */
	bundle?: EmbedderBundle;
	dims: number;
	/** Bytes of every file together. */
	size: number;
	probeMs: number;
}

function checkProbeOutput(values: Float32Array, dims: number[], expected: number[], what: string) {
	if (dims.length !== expected.length || dims.some((d, i) => d !== expected[i])) {
		throw new ModelCheckError(
			'probe',
			`The sample run gave ${what} of shape [${dims.join(', ')}], not [${expected.join(', ')}].`
		);
	}
	if (!values.every(Number.isFinite)) {
		throw new ModelCheckError(
			'probe',
			`The sample run gave ${what} that are not finite (NaN or ∞).`
		);
	}
}

async function validateHead(
	upload: Extract<ModelUpload, { task: 'tag' }>,
	probe: ModelProbe,
	limits: ModelLimits
): Promise<ValidatedModel> {
	const checked = checkOnnx(upload.onnx, 'tag', limits);
	if (checked.dims !== upload.embedderDims) {
		signatureError(
			`The model reads ${checked.dims}-number embeddings; the embedder gives ${upload.embedderDims}.`
		);
	}
	const labels = upload.labels ? labelList(upload.labels) : checked.labels;
	if (!labels) throw new ModelCheckError('labels', 'A tag model needs its labels file.');
	if (checked.labelCount !== undefined && checked.labelCount !== labels.length) {
		throw new ModelCheckError(
			'labels',
			`The model gives ${checked.labelCount} scores, but ${labels.length} labels are listed.`
		);
	}
	const [input] = checked.signature.inputs;
	const [output] = checked.signature.outputs;
	const batch = 2;
	const embeddings = sampleEmbeddings(batch, checked.dims);
	const request = {
		task: 'tag' as const,
		onnx: upload.onnx,
		input,
		output: output.name,
		embeddings,
		batch
	};
	const run = await probeWithin(probe, request, limits);
	checkProbeOutput(run.result.values, run.result.dims, [batch, labels.length], 'scores');
	return {
		...checked,
		task: 'tag',
		format: 'head',
		onnx: upload.onnx,
		dims: checked.dims,
		labels,
		size: upload.onnx.length,
		probeMs: run.ms
	};
}

async function validateEmbedder(
	bundle: EmbedderBundle,
	probe: ModelProbe,
	limits: ModelLimits
): Promise<ValidatedModel> {
	const size = Object.values(bundle.files).reduce(
		(sum, file) => sum + file.length,
		bundle.onnx.length
	);
	checkSize(size, limits);
	const { vocabSize } = checkTokenizer(bundle);
	const checked = checkOnnx(bundle.onnx, 'embed', limits);
	const output = checkEmbedderSignature(checked.signature).output;
	const request = {
		task: 'embed' as const,
		bundle,
		signature: checked.signature,
		output,
		texts: SAMPLE_TEXTS,
		vocabSize
	};
	const run = await probeWithin(probe, request, limits);
	const dims = run.result.dims[1];
	checkProbeOutput(
		run.result.values,
		run.result.dims,
		[SAMPLE_TEXTS.length, checked.dims ?? dims],
		'embeddings'
	);
	if (!(dims > 0) || run.result.values.every((value) => value === 0)) {
		throw new ModelCheckError('probe', 'The sample run gave empty or all-zero embeddings.');
	}
	return {
		...checked,
		task: 'embed',
		format: 'transformers',
		onnx: bundle.onnx,
		bundle,
		dims,
		size,
		probeMs: run.ms
	};
}

/**
 * Every check an upload must pass before anything is stored, the timed sample run last. Throws
 * the ModelCheckError of the first check that fails.
 */
export function validateModel(
	upload: ModelUpload,
	probe: ModelProbe,
	limits: ModelLimits = DEFAULT_MODEL_LIMITS
): Promise<ValidatedModel> {
	return upload.task === 'tag'
		? validateHead(upload, probe, limits)
		: validateEmbedder(upload.bundle, probe, limits);
}
