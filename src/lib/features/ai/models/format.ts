import type { EvalMetrics, TensorSig } from './ports';

/** `embeddings float32 [batch, 100]`: how the list shows one input or output. */
export function formatTensor(tensor: TensorSig): string {
	return `${tensor.name} ${tensor.type} [${tensor.dims.join(', ')}]`;
}

export function formatSignature(signature: { inputs: TensorSig[]; outputs: TensorSig[] }): string {
	const side = (tensors: TensorSig[]) => tensors.map(formatTensor).join(', ') || 'none';
	return `${side(signature.inputs)} → ${side(signature.outputs)}`;
}

/** Enough of a sha256 to tell files apart at a glance; the whole one goes in a tooltip. */
export function shortSha(sha256: string): string {
	return sha256.slice(0, 12);
}

export function formatSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** `F1 62.0% · P@3 40.0% · R@3 80.0%`. */
export function formatMetrics(metrics: EvalMetrics): string {
	const { microF1, precisionAt3, recallAt3 } = metrics;
	return `F1 ${percent(microF1)} · P@3 ${percent(precisionAt3)} · R@3 ${percent(recallAt3)}`;
}

export function formatDate(ms: number): string {
	return ms > 0 ? new Date(ms).toLocaleString() : 'ships with the app';
}
