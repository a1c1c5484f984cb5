import * as v from 'valibot';

/**
 * The owner-only blob store on the server, shared by the PWA and the server: content-addressed
 * bytes (model artifacts now, attachments later) a signed-in user keeps by their sha256.
 *
 * - `PUT /api/blobs/<sha256>` with the raw bytes: 201 stored, 200 when the owner already has
 *   them; 400 when the body's sha256 is another; 413 `payload_too_large` past the size cap,
 *   413 `quota_exceeded` past the user's storage quota (documents and blobs together).
 * - `GET` / `HEAD /api/blobs/<sha256>`: the bytes (octet-stream, attachment, ETag); 404 for a
 *   blob the user does not own, whoever else does.
 * - `DELETE /api/blobs/<sha256>`: 204, the bytes leave the user's usage.
 * - `GET /api/blobs`: a `BlobList`.
 */

/** A blob's name: the sha256 of its bytes in lower-case hex. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export const Sha256Schema = v.pipe(
	v.string('Name a blob by its sha256.'),
	v.regex(SHA256_HEX, 'A blob is named by 64 lower-case hex digits (its sha256).')
);

export interface BlobInfo {
	sha256: string;
	size: number;
	createdAt: number;
}

/** The body of a 200 or 201 answer to a PUT. */
export interface BlobStored {
	blob: BlobInfo;
	usage: StorageUsage;
}

export interface StorageUsage {
	/** Everything the user holds on the server: documents and blobs. */
	bytes: number;
	/** The part of `bytes` that blobs take. */
	blobBytes: number;
	quotaBytes: number;
}

export interface BlobList {
	/** Newest first. */
	blobs: BlobInfo[];
	usage: StorageUsage;
	/** The largest blob the server takes. */
	maxBlobBytes: number;
}
