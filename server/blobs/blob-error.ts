/**
 * Why a blob was refused: `too_large` past the size cap, `quota_exceeded` past the user's storage
 * quota, `hash_mismatch` when the bytes are not the ones the name promises, `incomplete` when the
 * upload stopped before its last byte. Nothing is stored in any of these cases.
 */
export type BlobErrorCode = 'too_large' | 'quota_exceeded' | 'hash_mismatch' | 'incomplete';

export class BlobError extends Error {
	constructor(
		readonly code: BlobErrorCode,
		message: string,
		options?: { cause?: unknown }
	) {
		super(message, options);
		this.name = 'BlobError';
	}
}

const MB = 1024 * 1024;

/** A size as people read it: KB below a tenth of a MB, else MB with one decimal. */
export function megabytes(bytes: number): string {
	if (bytes < MB / 10) return `${Math.ceil(bytes / 1024)} KB`;
	return `${Number((bytes / MB).toFixed(1))} MB`;
}

export function tooLarge(maxBytes: number): BlobError {
	return new BlobError('too_large', `A blob may take at most ${megabytes(maxBytes)}.`);
}
