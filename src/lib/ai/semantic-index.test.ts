import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Replica } from '$lib/replica/replica';
import type { UserId } from '$sync/ids';
import type { EmbedJob } from './ai-client';
import { BUILTIN_EMBEDDER, modelRef } from './models';
import type { ModelRef } from './protocol';
import { SemanticIndex, type EmbedWorker } from './semantic-index.svelte';

/** A worker that answers every job at once with a vector per text. */
class QuickWorker implements EmbedWorker {
	texts: string[][] = [];

	async job(model: ModelRef, texts: string[]): Promise<EmbedJob> {
		this.texts.push(texts);
		const stats = { backend: 'wasm', batch: texts.length, inputChars: 0, inputTokens: 0 } as const;
		return {
			vectors: texts.map(() => Float32Array.of(0, 1)),
			record: { at: 0, model: model.id, version: model.version, ...stats, queueMs: 0, runMs: 1 }
		};
	}

	async warm(): Promise<void> {}

	terminate(): void {}
}

/** A worker whose jobs finish only when the test says so. */
class HeldWorker implements EmbedWorker {
	held: (() => void)[] = [];

	job(model: ModelRef, texts: string[]): Promise<EmbedJob> {
		const stats = { backend: 'wasm', batch: texts.length, inputChars: 0, inputTokens: 0 } as const;
		const done: EmbedJob = {
			vectors: texts.map(() => Float32Array.of(1, 0)),
			record: { at: 0, model: model.id, version: model.version, ...stats, queueMs: 0, runMs: 0 }
		};
		return new Promise((resolve) => this.held.push(() => resolve(done)));
	}

	async warm(): Promise<void> {}

	terminate(): void {}
}

let replica: Replica | undefined;
afterEach(() => {
	vi.unstubAllGlobals();
	return replica?.close();
});

describe('SemanticIndex', () => {
	it('writes nothing from a job that finishes after it was disposed', async () => {
		replica = await Replica.open('semantic1' as UserId);
		await replica.capture('a thought to embed');
		await replica.flush();
		const worker = new HeldWorker();
		const index = new SemanticIndex(replica, modelRef(BUILTIN_EMBEDDER), worker);
		const errors = vi.spyOn(console, 'error');

		const started = index.start();
		await vi.waitFor(() => expect(worker.held).toHaveLength(1));
		index.dispose();
		worker.held[0]();
		await started;

		expect(index.size).toBe(0);
		expect(await replica.view.vectorBlocks.count()).toBe(0);
		expect(await replica.view.inferences.count()).toBe(0);
		expect(errors).not.toHaveBeenCalled();
	});

	it('runs on this device and says so while the server refuses for a spent quota', async () => {
		const resetsAt = Date.now() + 3_600_000;
		const stored = new Map([[`t10x:ai-backend:${BUILTIN_EMBEDDER.id}`, 'server']]);
		vi.stubGlobal('localStorage', {
			getItem: (key: string) => stored.get(key) ?? null,
			setItem: (key: string, value: string) => stored.set(key, value),
			removeItem: (key: string) => stored.delete(key)
		});
		const quota = { quota: 'tokens', plan: 'free', limit: 10, used: 10, resetsAt };
		const message = "Your free plan's tokens for today is used up.";
		const fetch = vi.fn(async () =>
			Response.json({ error: { code: 'quota_exceeded', message, quota } }, { status: 429 })
		);
		vi.stubGlobal('fetch', fetch);
		const { notices } = await import('$lib/app/notices.svelte');
		replica = await Replica.open('semantic2' as UserId);
		await replica.capture('first thought');
		await replica.capture('second thought');
		await replica.flush();
		const worker = new QuickWorker();
		const index = new SemanticIndex(replica, modelRef(BUILTIN_EMBEDDER), worker);

		await index.start();

		// One refusal from the server, then the whole job on the device.
		expect(fetch).toHaveBeenCalledTimes(1);
		expect(worker.texts.flat().sort()).toEqual(['first thought', 'second thought']);
		expect(index.size).toBe(2);
		expect(notices.items.map((notice) => notice.message)).toContain(
			`${message} Running on this device until then.`
		);
		// Until the reset, new work does not ask the server again.
		await replica.capture('third thought');
		await replica.flush();
		await vi.waitFor(() => expect(index.size).toBe(3));
		expect(fetch).toHaveBeenCalledTimes(1);
		index.dispose();
	});
});
