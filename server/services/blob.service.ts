import type { Readable } from 'node:stream';
import type { BlobInfo, BlobList, BlobStored, StorageUsage } from '../../sync/protocol/blobs';
import { BlobError, megabytes, tooLarge } from '../blobs/blob-error';
import type { BlobFiles, StagedBlob } from '../blobs/blob-files';
import { KeyedLock } from '../blobs/keyed-lock';
import type { BlobsRepository } from '../db/blobs.repository';

/** `isCreated`: the bytes were new to this user (201), not already theirs (200). */
export interface PutResult {
	isCreated: boolean;
	stored: BlobStored;
}

export interface BlobLimits {
	/** The largest blob taken. */
	maxBytes: number;
	/** What the user may hold, documents and blobs together (their plan's storage quota). */
	quotaFor(userId: string): number;
}

/**
 * The owner-only blob store: a blob belongs to the user who uploaded it, and every lookup is by
 * (user, sha256), so knowing a hash reaches nothing of anyone else's. No HTTP here: refusals are
 * BlobErrors the route maps to statuses.
 *
 * A file is put in place before its row is committed and unlinked after its row is deleted: a
 * crash between the two leaves a file without a row, never served and overwritten by the next
 * upload of the same bytes; a row always has its whole file.
 */
export class BlobService {
	readonly #lock = new KeyedLock();

	constructor(
		private readonly repository: BlobsRepository,
		private readonly files: BlobFiles,
		readonly limits: BlobLimits
	) {}

	find(userId: string, sha256: string): BlobInfo | undefined {
		return this.repository.find(userId, sha256);
	}

	/**
	 * Stores the body under its sha256 once it is verified and fits. `declaredBytes` (the request's
	 * Content-Length) refuses an upload that cannot fit before a byte of it is read.
	 */
	async put(
		userId: string,
		sha256: string,
		body: AsyncIterable<Uint8Array>,
		declaredBytes?: number
	): Promise<PutResult> {
		const known = this.repository.find(userId, sha256);
		if (known) return { isCreated: false, stored: this.#stored(userId, known) };
		if (declaredBytes !== undefined) {
			this.#checkSize(declaredBytes);
			this.#checkQuota(userId, declaredBytes);
		}
		const staged = await this.files.stage(body, this.limits.maxBytes);
		try {
			if (staged.sha256 !== sha256) {
				throw new BlobError('hash_mismatch', `The body's sha256 is ${staged.sha256}.`);
			}
			return await this.#lock.run(lockKey(userId, sha256), () => this.#commit(userId, staged));
		} finally {
			await this.files.discard(staged);
		}
	}

	/** The bytes, or null when the user has no such blob. */
	async read(userId: string, sha256: string): Promise<{ blob: BlobInfo; bytes: Readable } | null> {
		const blob = this.repository.find(userId, sha256);
		if (!blob) return null;
		const bytes = await this.files.read(userId, sha256);
		if (bytes) return { blob, bytes };
		// Only someone deleting files by hand gets here: forget the row, so the device that has
		// the bytes uploads them again instead of being told the server holds them.
		console.error(`[blobs] ${userId}/${sha256} has a row but no file: forgotten`);
		this.repository.remove(userId, sha256);
		return null;
	}

	/** The file of the user's blob, for a model runner to read; null when they have none. */
	localFile(userId: string, sha256: string): { blob: BlobInfo; path: string } | null {
		const blob = this.repository.find(userId, sha256);
		return blob ? { blob, path: this.files.pathOf(userId, sha256) } : null;
	}

	/** Bytes the user holds, documents and blobs together. */
	used(userId: string): number {
		return this.repository.usage(userId);
	}

	/** Deletes the blob and frees its bytes; false when the user had no such blob. */
	remove(userId: string, sha256: string): Promise<boolean> {
		return this.#lock.run(lockKey(userId, sha256), async () => {
			if (!this.repository.remove(userId, sha256)) return false;
			await this.files.remove(userId, sha256);
			return true;
		});
	}

	list(userId: string): BlobList {
		return {
			blobs: this.repository.list(userId),
			usage: this.#usage(userId),
			maxBlobBytes: this.limits.maxBytes
		};
	}

	async #commit(userId: string, staged: StagedBlob): Promise<PutResult> {
		const known = this.repository.find(userId, staged.sha256);
		if (known) return { isCreated: false, stored: this.#stored(userId, known) };
		await this.files.commit(staged, userId, staged.sha256);
		const outcome = this.repository.add(
			userId,
			staged.sha256,
			staged.size,
			this.limits.quotaFor(userId)
		);
		if (outcome === 'over_quota') {
			await this.files.remove(userId, staged.sha256);
			throw this.#overQuota(userId, staged.size);
		}
		const blob = this.repository.find(userId, staged.sha256)!;
		return { isCreated: outcome === 'added', stored: this.#stored(userId, blob) };
	}

	#checkSize(bytes: number): void {
		if (bytes > this.limits.maxBytes) throw tooLarge(this.limits.maxBytes);
	}

	#checkQuota(userId: string, bytes: number): void {
		if (this.repository.usage(userId) + bytes > this.limits.quotaFor(userId)) {
			throw this.#overQuota(userId, bytes);
		}
	}

	#overQuota(userId: string, bytes: number): BlobError {
		return new BlobError(
			'quota_exceeded',
			`This blob (${megabytes(bytes)}) does not fit your storage quota of ` +
				`${megabytes(this.limits.quotaFor(userId))}: ${megabytes(this.repository.usage(userId))} ` +
				'is in use. Delete models or thoughts you no longer need, or ask for a larger quota.'
		);
	}

	#stored(userId: string, blob: BlobInfo): BlobStored {
		return { blob, usage: this.#usage(userId) };
	}

	#usage(userId: string): StorageUsage {
		return {
			bytes: this.repository.usage(userId),
			blobBytes: this.repository.blobBytes(userId),
			quotaBytes: this.limits.quotaFor(userId)
		};
	}
}

function lockKey(userId: string, sha256: string): string {
	return `${userId}/${sha256}`;
}
