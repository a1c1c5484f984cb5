import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { USER_ID } from '../../sync/ids';
import { SHA256_HEX } from '../../sync/protocol/blobs';
import { BlobError, tooLarge } from './blob-error';

/** An upload written to a temporary file and synced, not yet under its name. */
export interface StagedBlob {
	path: string;
	sha256: string;
	size: number;
}

/**
 * Blob bytes on disk: `<root>/<userId>/<sha256>`. An upload is written to `<root>/.tmp/` (a name
 * no user id can take), synced, then renamed into place and the directory synced, so a file under
 * its name is always whole; a crash mid-upload leaves only a temporary file, cleared at the next
 * start.
 */
export class BlobFiles {
	readonly #tmp: string;

	constructor(readonly root: string) {
		this.#tmp = join(root, '.tmp');
		rmSync(this.#tmp, { recursive: true, force: true });
		mkdirSync(this.#tmp, { recursive: true });
	}

	/** Writes the body to a temporary file, hashing it; past `maxBytes` it stops and cleans up. */
	async stage(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StagedBlob> {
		const path = join(this.#tmp, randomBytes(12).toString('hex'));
		const file = await open(path, 'wx');
		const hash = createHash('sha256');
		let size = 0;
		try {
			for await (const chunk of received(body)) {
				size += chunk.byteLength;
				if (size > maxBytes) throw tooLarge(maxBytes);
				hash.update(chunk);
				await file.write(chunk);
			}
			await file.sync();
		} catch (error) {
			await file.close();
			await rm(path, { force: true });
			throw error;
		}
		await file.close();
		return { path, sha256: hash.digest('hex'), size };
	}

	/** Drops a staged file; nothing happens once it was committed (it has moved). */
	async discard(staged: StagedBlob): Promise<void> {
		await rm(staged.path, { force: true });
	}

	/** Moves a staged file under its name, durably. */
	async commit(staged: StagedBlob, userId: string, sha256: string): Promise<void> {
		const dir = this.#dirOf(userId);
		await mkdir(dir, { recursive: true });
		await rename(staged.path, this.pathOf(userId, sha256));
		await syncDirectory(dir);
	}

	/** The bytes as a stream, or null when there is no such file. */
	async read(userId: string, sha256: string): Promise<Readable | null> {
		try {
			return (await open(this.pathOf(userId, sha256), 'r')).createReadStream();
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
			throw error;
		}
	}

	async remove(userId: string, sha256: string): Promise<void> {
		await rm(this.pathOf(userId, sha256), { force: true });
	}

	/** Names reach the disk only in the shapes the server mints and checks: no `/`, no `..`. */
	#dirOf(userId: string): string {
		if (!USER_ID.test(userId)) throw new Error(`Not a user id: ${userId}`);
		return join(this.root, userId);
	}

	/** Where the file lives; also for a reader in another process (the model runners). */
	pathOf(userId: string, sha256: string): string {
		if (!SHA256_HEX.test(sha256)) throw new Error(`Not a sha256: ${sha256}`);
		return join(this.#dirOf(userId), sha256);
	}
}

/** The request body; a connection lost mid-upload becomes an `incomplete` BlobError. */
async function* received(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
	try {
		yield* body;
	} catch (error) {
		throw new BlobError('incomplete', 'The upload ended before its last byte.', { cause: error });
	}
}

/** A rename is durable once the directory holding the new name is synced. */
async function syncDirectory(dir: string): Promise<void> {
	const handle = await open(dir, 'r');
	try {
		await handle.sync();
	} finally {
		await handle.close();
	}
}
