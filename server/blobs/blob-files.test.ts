import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobError } from './blob-error';
import { BlobFiles } from './blob-files';
import { KeyedLock } from './keyed-lock';

const dir = mkdtempSync(join(tmpdir(), 't10x-blob-files-'));
let n = 0;
const fresh = () => new BlobFiles(join(dir, `root-${++n}`));
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const temporaries = (files: BlobFiles) => readdirSync(join(files.root, '.tmp'));

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
	for (const part of parts) yield new TextEncoder().encode(part);
}

async function* cutShort(): AsyncIterable<Uint8Array> {
	yield new TextEncoder().encode('half of it');
	throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

/** The BlobError a promise rejects with. */
async function refusal(promise: Promise<unknown>): Promise<BlobError> {
	const error = await promise.then(
		() => expect.unreachable('expected a BlobError'),
		(error: unknown) => error
	);
	expect(error).toBeInstanceOf(BlobError);
	return error as BlobError;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('BlobFiles', () => {
	it('hashes while it writes, and a committed blob is found under its owner and name only', async () => {
		const files = fresh();
		const staged = await files.stage(chunks('hello ', 'blob'), 100);
		expect(staged).toMatchObject({ sha256: sha256('hello blob'), size: 10 });
		await files.commit(staged, 'alice', staged.sha256);
		expect(temporaries(files)).toEqual([]);
		expect(await text((await files.read('alice', staged.sha256))!)).toBe('hello blob');
		expect(await files.read('bob', staged.sha256)).toBeNull();
		await files.remove('alice', staged.sha256);
		expect(await files.read('alice', staged.sha256)).toBeNull();
	});

	it('stops past the cap, and leaves no file behind', async () => {
		const files = fresh();
		expect((await refusal(files.stage(chunks('12345', '6789'), 8))).code).toBe('too_large');
		expect(temporaries(files)).toEqual([]);
		expect((await files.stage(chunks('12345', '678'), 8)).size).toBe(8);
	});

	it('turns an upload cut short into an incomplete refusal, and leaves no file behind', async () => {
		const files = fresh();
		const error = await refusal(files.stage(cutShort(), 100));
		expect(error.code).toBe('incomplete');
		expect(temporaries(files)).toEqual([]);
	});

	it('clears what a crash left half-written when it starts', () => {
		const files = fresh();
		writeFileSync(join(files.root, '.tmp', 'left-by-a-crash'), 'partial');
		expect(temporaries(new BlobFiles(files.root))).toEqual([]);
	});

	it('refuses names that are not a user id and a sha256, before touching the disk', async () => {
		const files = fresh();
		const staged = await files.stage(chunks('x'), 10);
		await expect(files.commit(staged, '../escape', staged.sha256)).rejects.toThrow(/user id/);
		await expect(files.commit(staged, 'alice', '../../etc/passwd')).rejects.toThrow(/sha256/);
		expect(existsSync(staged.path)).toBe(true);
		expect(readFileSync(staged.path, 'utf8')).toBe('x');
	});
});

describe('KeyedLock', () => {
	it('runs tasks for one key in order and tasks for other keys meanwhile', async () => {
		const lock = new KeyedLock();
		const events: string[] = [];
		let releaseFirst!: () => void;
		const first = lock.run('a', async () => {
			events.push('a1 start');
			await new Promise<void>((resolve) => (releaseFirst = resolve));
			events.push('a1 end');
		});
		const second = lock.run('a', async () => void events.push('a2'));
		await lock.run('b', async () => void events.push('b'));
		releaseFirst();
		await Promise.all([first, second]);
		expect(events).toEqual(['a1 start', 'b', 'a1 end', 'a2']);
	});

	it('goes on with the next task when one fails', async () => {
		const lock = new KeyedLock();
		const failed = lock.run('a', () => Promise.reject(new Error('disk')));
		const next = lock.run('a', async () => 'ran');
		await expect(failed).rejects.toThrow('disk');
		expect(await next).toBe('ran');
	});
});
