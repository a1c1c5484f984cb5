import Dexie, { type Table } from 'dexie';
import * as v from 'valibot';
import type { UserId } from '$sync/ids';
import { Sha256Schema } from '$sync/protocol/blobs';

export type BlobErrorCode =
	| 'invalid_sha256'
	| 'device_full'
	| 'corrupt'
	| 'not_found'
	| 'unauthenticated'
	| 'forbidden'
	| 'too_large'
	| 'quota_exceeded'
	| 'rejected'
	| 'rate_limited'
	| 'server'
	| 'network'
	| 'stopped';

/** Why a blob could not be stored, read, uploaded or downloaded. */
export class BlobError extends Error {
	constructor(
		readonly code: BlobErrorCode,
		message: string
	) {
		super(message);
	}
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
	return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Throws a typed error for anything but a sha256 name (it ends up in a URL path). */
export function checkSha256(sha256: string): string {
	const parsed = v.safeParse(Sha256Schema, sha256);
	if (!parsed.success) throw new BlobError('invalid_sha256', parsed.issues[0].message);
	return parsed.output;
}

export interface DeviceBlob {
	sha256: string;
	size: number;
	/** The account's server has it (always false for a device without an account). */
	uploaded: boolean;
}

interface EntryRow {
	sha256: string;
	size: number;
	/** 1 or 0: IndexedDB cannot index booleans. */
	uploaded: 0 | 1;
	addedAt: number;
}

/** Bytes live apart from their entry, so listing never reads megabytes of model weights. */
interface BytesRow {
	sha256: string;
	bytes: Uint8Array;
}

/** A blob deleted here after its upload: the server's copy is deleted on the next sync. */
interface DeletionRow {
	sha256: string;
}

class BlobDb extends Dexie {
	entries!: Table<EntryRow, string>;
	bytes!: Table<BytesRow, string>;
	deletions!: Table<DeletionRow, string>;

	constructor(name: string) {
		super(name);
		this.version(1).stores({ entries: 'sha256, uploaded', bytes: 'sha256', deletions: 'sha256' });
	}
}

/**
 * One user's content-addressed blobs on this device (model artifacts now, attachments later).
 * Not a cache like the view database: a model trained here exists nowhere else until uploaded.
 */
export class BlobStore {
	readonly #db: BlobDb;

	constructor(userId: UserId) {
		this.#db = new BlobDb(blobDbName(userId));
	}

	/**
	 * Stores bytes under their sha256 (a no-op when already there); returns the name. `uploaded`:
	 * the server already has them (they were downloaded from it).
	 */
	async put(bytes: Uint8Array, { uploaded = false } = {}): Promise<string> {
		const sha256 = await sha256Hex(bytes);
		// A view into a larger buffer would store the whole buffer.
		const owned = bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
		const { entries, bytes: stored, deletions } = this.#db;
		try {
			await this.#db.transaction('rw', [entries, stored, deletions], async () => {
				await deletions.delete(sha256);
				const entry = await entries.get(sha256);
				if (entry) {
					if (uploaded && !entry.uploaded) await entries.update(sha256, { uploaded: 1 });
					return;
				}
				await stored.put({ sha256, bytes: owned });
				await entries.put({
					sha256,
					size: owned.byteLength,
					uploaded: uploaded ? 1 : 0,
					addedAt: Date.now()
				});
			});
		} catch (error) {
			if (isQuotaError(error))
				throw new BlobError('device_full', 'This device has no room left for the file.');
			throw error;
		}
		return sha256;
	}

	async get(sha256: string): Promise<Uint8Array | null> {
		return (await this.#db.bytes.get(checkSha256(sha256)))?.bytes ?? null;
	}

	async has(sha256: string): Promise<boolean> {
		return (await this.#db.entries.get(checkSha256(sha256))) !== undefined;
	}

	/** Removes the blob here; one the server has is deleted there on the next sync. */
	async delete(sha256: string): Promise<void> {
		checkSha256(sha256);
		const { entries, bytes, deletions } = this.#db;
		await this.#db.transaction('rw', [entries, bytes, deletions], async () => {
			const entry = await entries.get(sha256);
			if (!entry) return;
			await Promise.all([entries.delete(sha256), bytes.delete(sha256)]);
			if (entry.uploaded) await deletions.put({ sha256 });
		});
	}

	/** Every blob, oldest first. */
	async list(): Promise<DeviceBlob[]> {
		return (await this.#db.entries.toArray()).sort(byAge).map(toDeviceBlob);
	}

	/** The blobs the server does not have yet, oldest first. */
	async pending(): Promise<DeviceBlob[]> {
		const rows = await this.#db.entries.where('uploaded').equals(0).toArray();
		return rows.sort(byAge).map(toDeviceBlob);
	}

	async markUploaded(sha256: string): Promise<void> {
		await this.#db.entries.update(checkSha256(sha256), { uploaded: 1 });
	}

	/** Blobs deleted here whose server copies still have to go. */
	async pendingDeletions(): Promise<string[]> {
		return (await this.#db.deletions.toArray()).map((row) => row.sha256);
	}

	async forgetDeletion(sha256: string): Promise<void> {
		await this.#db.deletions.delete(checkSha256(sha256));
	}

	close(): void {
		this.#db.close();
	}

	/** Deletes every blob of the user on this device, e.g. once they moved into an account. */
	async deleteAll(): Promise<void> {
		await this.#db.delete();
	}
}

const blobDbName = (userId: UserId) => `t10x-blobs:${userId}`;

function toDeviceBlob({ sha256, size, uploaded }: EntryRow): DeviceBlob {
	return { sha256, size, uploaded: uploaded === 1 };
}

const byAge = (a: EntryRow, b: EntryRow) => a.addedAt - b.addedAt;

/** Dexie names the error after IndexedDB's, or wraps it when it aborted the transaction. */
function isQuotaError(error: unknown): boolean {
	const names = [error, (error as { inner?: unknown } | null)?.inner].map(
		(e) => (e as Error | undefined)?.name
	);
	return names.includes('QuotaExceededError');
}
