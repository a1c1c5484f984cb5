import type { EmbedderBundle } from './model-bundle';
import { ModelCheckError } from './model-check-error';
import type { OnnxSignature, TensorSig } from './onnx-graph';

/**
 * The sample run an upload must pass before it is stored. The validator builds the request; a
 * probe (onnxruntime-web in the AI worker, onnxruntime-node in a server thread) runs it and
 * hands back the output, which the validator checks. A probe stops when `signal` aborts.
 */
export type ProbeRequest =
	| {
			task: 'tag';
			onnx: Uint8Array;
			input: TensorSig;
			output: string;
			/** `batch × dims` sample embeddings, row-major. */
			embeddings: Float32Array;
			batch: number;
	  }
	| {
			task: 'embed';
			bundle: EmbedderBundle;
			signature: OnnxSignature;
			output: string;
			texts: string[];
			vocabSize: number;
	  };

/** The output, one row per sample: head scores, or pooled embeddings. */
export interface ProbeResult {
	dims: number[];
	values: Float32Array;
}

/** What a probe needs of an AbortSignal (sync/ is compiled without DOM or Node types). */
export interface ProbeSignal {
	readonly aborted: boolean;
	addEventListener(type: 'abort', listener: () => void): void;
}

export type ModelProbe = (request: ProbeRequest, signal: ProbeSignal) => Promise<ProbeResult>;

/** The part of onnxruntime's API (the same in -web and -node) a probe needs. */
export interface ProbeTensor {
	readonly dims: readonly number[];
	readonly type: string;
	readonly data: unknown;
}
export interface ProbeSession {
	run(feeds: Record<string, ProbeTensor>): Promise<Record<string, ProbeTensor>>;
	release(): Promise<void>;
}
export interface OnnxRuntime {
	InferenceSession: { create(model: Uint8Array): Promise<ProbeSession> };
	Tensor: new (
		type: 'float32' | 'int64',
		data: Float32Array | BigInt64Array,
		dims: readonly number[]
	) => ProbeTensor;
}

/** Tokens per sample text when the probe has no tokenizer: valid ids of the vocabulary. */
const SAMPLE_TOKENS = 6;

/** onnxruntime's words for an operator it has no kernel for, in -node and -web alike. */
const MISSING_OPERATOR = [
	/No Op registered for (\S+) with domain_version of (\d+)/,
	/Could not find an implementation for (\w+)\((\d+)\)/
];

/** `…/reshape_helper.h:91 onnxruntime::ReshapeHelper::ReshapeHelper(const …&, bool) ` */
const SOURCE_LOCATION = /\S+\.(?:cc|cpp|h):\d+ [^(\s]*\([^)]*\)\s*(?:const\s*)?/g;

function failure(error: unknown): ModelCheckError {
	const message = error instanceof Error ? error.message : String(error);
	for (const pattern of MISSING_OPERATOR) {
		const match = pattern.exec(message);
		if (match) {
			return new ModelCheckError(
				'operators',
				`onnxruntime has no ${match[1]} operator at opset ${match[2]}: unsupported operators: ${match[1]}.`
			);
		}
	}
	return new ModelCheckError('probe', `The sample run failed: ${runtimeReason(message)}`);
}

/**
 * An onnxruntime error as a person can read it: the runtime names its source file and C++
 * function before the reason, and only the reason helps.
 */
export function runtimeReason(message: string): string {
	const reason = message.replace(SOURCE_LOCATION, '').trim();
	return reason.length > 300 ? `…${reason.slice(-300)}` : reason;
}

function tokenFeeds(runtime: OnnxRuntime, request: Extract<ProbeRequest, { task: 'embed' }>) {
	const batch = request.texts.length;
	const shape = [batch, SAMPLE_TOKENS];
	const fill = (value: (row: number, column: number) => number) =>
		BigInt64Array.from({ length: batch * SAMPLE_TOKENS }, (_, i) =>
			BigInt(value(Math.floor(i / SAMPLE_TOKENS), i % SAMPLE_TOKENS))
		);
	const values: Record<string, BigInt64Array> = {
		input_ids: fill((row, column) => 1 + ((row * 31 + column * 7) % (request.vocabSize - 1 || 1))),
		attention_mask: fill(() => 1),
		token_type_ids: fill(() => 0)
	};
	return Object.fromEntries(
		request.signature.inputs.map((input) => [
			input.name,
			new runtime.Tensor('int64', values[input.name], shape)
		])
	);
}

/** `[batch, sequence, dims]` → the mean over the sequence, `[batch, dims]`. */
function meanPool(values: Float32Array, [batch, sequence, dims]: readonly number[]): Float32Array {
	const pooled = new Float32Array(batch * dims);
	for (let b = 0; b < batch; b++) {
		for (let s = 0; s < sequence; s++) {
			for (let d = 0; d < dims; d++) pooled[b * dims + d] += values[(b * sequence + s) * dims + d];
		}
	}
	return pooled.map((value) => value / sequence);
}

/**
 * Runs a probe request on an onnxruntime: a head on the sample embeddings, an embedder on
 * sample token ids (onnxruntime alone has no tokenizer; the device's probe tokenises real text).
 */
export async function runOnnxProbe(
	runtime: OnnxRuntime,
	request: ProbeRequest
): Promise<ProbeResult> {
	const onnx = request.task === 'tag' ? request.onnx : request.bundle.onnx;
	let session: ProbeSession;
	try {
		session = await runtime.InferenceSession.create(onnx);
	} catch (error) {
		throw failure(error);
	}
	try {
		const feeds =
			request.task === 'tag'
				? {
						[request.input.name]: new runtime.Tensor('float32', request.embeddings, [
							request.batch,
							request.embeddings.length / request.batch
						])
					}
				: tokenFeeds(runtime, request);
		const output = (await session.run(feeds))[request.output];
		if (!output || !(output.data instanceof Float32Array)) {
			throw new ModelCheckError('probe', `The sample run gave no float32 "${request.output}".`);
		}
		const dims = [...output.dims];
		if (request.task === 'embed' && dims.length === 3) {
			return { dims: [dims[0], dims[2]], values: meanPool(output.data, dims) };
		}
		return { dims, values: new Float32Array(output.data) };
	} catch (error) {
		throw error instanceof ModelCheckError ? error : failure(error);
	} finally {
		await session.release();
	}
}
