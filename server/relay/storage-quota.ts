import * as decoding from 'lib0/decoding';
import type { DocumentStore } from './document-store';

/** 100 MB: a 50k-thought library takes 14.6 MB compacted (RELIABILITY.md, Abuse). */
export const DEFAULT_STORAGE_QUOTA_BYTES = 100 * 1024 * 1024;

/**
 * A deletion (an update that adds nothing, only a delete set) this small may go 1% past the
 * quota, so a person at the limit can still empty the trash or delete text: the next compaction
 * frees what the deleted content held. Anything that adds content must fit the quota.
 */
const SMALL_DELETION_BYTES = 16 * 1024;
const GRACE = 0.01;

/**
 * The per-user storage quota over the documents' bytes (states plus update log, counted by the
 * store in the same transaction as each write) and the blobs' (counted by the blob store in the
 * same counter: a model file takes room a thought could have used). An update is checked before it is appended:
 * one that does not fit is never stored nor acknowledged, so its client keeps it. Updates that
 * wait in the group-commit window are not in the store's count yet: they are reserved here.
 */
export class StorageQuota {
	readonly #reserved = new Map<string, number>();

	constructor(
		private readonly store: DocumentStore,
		/** The user's quota: their plan's storage. */
		private readonly quotaFor: (userId: string) => number
	) {}

	/** Reserves room for an update about to be appended; false when it would not fit. */
	reserve(userId: string, update: Uint8Array): boolean {
		const bytes = update.byteLength;
		const reserved = this.#reserved.get(userId) ?? 0;
		const isSmallDeletion = bytes <= SMALL_DELETION_BYTES && addsNothing(update);
		const quota = this.quotaFor(userId);
		const limit = isSmallDeletion ? quota * (1 + GRACE) : quota;
		if (this.store.usage(userId) + reserved + bytes > limit) return false;
		this.#reserved.set(userId, reserved + bytes);
		return true;
	}

	/** After the append committed (now in the store's count) or failed (never stored). */
	release(userId: string, bytes: number): void {
		const left = (this.#reserved.get(userId) ?? 0) - bytes;
		if (left > 0) this.#reserved.set(userId, left);
		else this.#reserved.delete(userId);
	}
}

/** A Yjs v1 update opens with the number of clients it carries structs for: 0 adds nothing. */
function addsNothing(update: Uint8Array): boolean {
	try {
		return decoding.readVarUint(decoding.createDecoder(update)) === 0;
	} catch {
		return false;
	}
}
