import { ModelSession, type ExecutionBackend, type Runtimes } from './backend';

/** A tag head: embeddings `[batch, dims]` in, one score per label `[batch, labels]` out. */
export interface HeadModel {
	dims: number;
	labels: number;
	readonly backend: ExecutionBackend;
	readonly fallback: string | undefined;
	/** Scores `count` vectors packed in one matrix; the result is `count × labels`, row-major. */
	score(vectors: Float32Array, count: number): Promise<Float32Array>;
	release(): Promise<void>;
}

export class HeadModelError extends Error {
	constructor(
		readonly code: 'head_signature' | 'head_input',
		message: string
	) {
		super(message);
		this.name = 'HeadModelError';
	}
}

/**
 * Opens a head's ONNX bytes (a trained one from buildHeadOnnx, or a person's own, validated on
 * upload) on the chosen backend. Input and output are found by position, not by name.
 */
export async function loadHeadModel(
	bytes: Uint8Array,
	labels: number,
	preferred: ExecutionBackend,
	runtimes: Runtimes
): Promise<HeadModel> {
	const session = await ModelSession.open(bytes, preferred, runtimes);
	const input = session.inputMetadata[0];
	const dims = input?.isTensor ? input.shape[1] : undefined;
	if (!input || typeof dims !== 'number' || session.outputNames.length === 0) {
		await session.release();
		throw new HeadModelError('head_signature', 'A tag model needs an input [batch, dims].');
	}
	const output = session.outputNames[0];
	return {
		dims,
		labels,
		get backend() {
			return session.backend;
		},
		get fallback() {
			return session.fallback;
		},
		async score(vectors, count) {
			if (vectors.length !== count * dims)
				throw new HeadModelError(
					'head_input',
					`The tag model reads ${dims} numbers per thought, not ${vectors.length / count}.`
				);
			if (count === 0) return new Float32Array(0);
			const result = await session.run((Tensor) => ({
				[input.name]: new Tensor('float32', vectors, [count, dims])
			}));
			const scores = result[output].data;
			if (!(scores instanceof Float32Array) || scores.length !== count * labels)
				throw new HeadModelError(
					'head_signature',
					`The tag model does not give ${labels} float scores per thought.`
				);
			// A copy that owns its whole buffer: the worker transfers it to the page.
			return new Float32Array(scores);
		},
		release: () => session.release()
	};
}
