import { ModelCheckError } from './model-check-error';
import type { OnnxSignature, TensorSig } from './onnx-graph';

// Whether a graph's inputs and outputs fit its task, as the app will run it.

/** The outputs transformers.js' feature extraction reads, in the order it tries them. */
const EMBEDDER_OUTPUTS = ['last_hidden_state', 'logits', 'token_embeddings'];
/** The inputs transformers.js feeds a text encoder. */
const EMBEDDER_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'];

const shape = (sig: TensorSig) => `${sig.type} [${sig.dims.join(', ')}]`;

export function signatureError(message: string): never {
	throw new ModelCheckError('signature', message);
}

export function checkHeadSignature({ inputs, outputs }: OnnxSignature) {
	if (inputs.length !== 1 || outputs.length !== 1) {
		signatureError(
			`A tag model maps embeddings to scores: one input and one output, not ${inputs.length} and ${outputs.length}.`
		);
	}
	const [input, output] = [inputs[0], outputs[0]];
	for (const [sig, role] of [
		[input, 'embeddings [batch, dims]'],
		[output, 'scores [batch, labels]']
	] as const) {
		if (sig.type !== 'float32' || sig.dims.length !== 2) {
			signatureError(`"${sig.name}" is ${shape(sig)}; a tag model's must be float32 ${role}.`);
		}
	}
	if (typeof input.dims[1] !== 'number') {
		signatureError(`"${input.name}" leaves its width free (${input.dims[1]}); it must be fixed.`);
	}
	const labels = output.dims[1];
	return { dims: input.dims[1], labelCount: typeof labels === 'number' ? labels : undefined };
}

export function checkEmbedderSignature({ inputs, outputs }: OnnxSignature) {
	if (!inputs.some((input) => input.name === 'input_ids')) {
		signatureError('A text embedder needs an "input_ids" input, as transformers.js feeds it.');
	}
	for (const input of inputs) {
		if (
			!EMBEDDER_INPUTS.includes(input.name) ||
			input.type !== 'int64' ||
			input.dims.length !== 2
		) {
			signatureError(
				`Input "${input.name}" (${shape(input)}) is not one transformers.js feeds: ${EMBEDDER_INPUTS.join(', ')}, int64 [batch, sequence].`
			);
		}
	}
	const output = EMBEDDER_OUTPUTS.map((name) => outputs.find((o) => o.name === name)).find(Boolean);
	if (!output) {
		signatureError(`A text embedder outputs one of ${EMBEDDER_OUTPUTS.join(', ')}.`);
	}
	if (output.type !== 'float32' || output.dims.length !== 3) {
		signatureError(
			`"${output.name}" is ${shape(output)}; it must be float32 [batch, sequence, dims].`
		);
	}
	return { dims: typeof output.dims[2] === 'number' ? output.dims[2] : null, output: output.name };
}
