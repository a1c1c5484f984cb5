/**
 * The checks an uploaded model goes through, in order, and the error that names the one that
 * failed. Shared by the device (AI worker) and the server, so both refuse a model alike.
 */
export const MODEL_CHECKS = [
	'size',
	'archive',
	'decode',
	'ir',
	'opset',
	'operators',
	'external-data',
	'signature',
	'labels',
	'tokenizer',
	'probe'
] as const;
export type ModelCheck = (typeof MODEL_CHECKS)[number];

/** A model that must not be stored: `check` says which check refused it, `message` why. */
export class ModelCheckError extends Error {
	constructor(
		readonly check: ModelCheck,
		message: string
	) {
		super(message);
		this.name = 'ModelCheckError';
	}
}

export interface ModelLimits {
	/** The most bytes a model may have, all its files together. */
	maxBytes: number;
	/** How long the sample run may take, session creation included. */
	probeTimeoutMs: number;
}

export const DEFAULT_MODEL_LIMITS: ModelLimits = {
	// The same as the server's BLOB_MAX_MB default: a model that fits here can follow the user.
	maxBytes: 64 * 1024 * 1024,
	probeTimeoutMs: 20_000
};

/** `1536` → `1.5 kB`, for messages a person reads. */
export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} bytes`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function checkSize(bytes: number, limits: ModelLimits, what = 'The model'): void {
	if (bytes === 0) throw new ModelCheckError('size', `${what} is empty (0 bytes).`);
	if (bytes > limits.maxBytes) {
		// Just over the cap, rounded sizes would read the same: then say the bytes.
		const near = formatBytes(bytes) === formatBytes(limits.maxBytes);
		const [size, cap] = [bytes, limits.maxBytes].map((n) => (near ? `${n} bytes` : formatBytes(n)));
		throw new ModelCheckError('size', `${what} is ${size}, over the ${cap} limit.`);
	}
}
