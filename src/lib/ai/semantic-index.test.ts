import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Replica } from '$lib/replica/replica';
import type { UserId } from '$sync/ids';
import type { EmbedJob } from './ai-client';
import { BUILTIN_EMBEDDER, modelRef } from './models';
import type { ModelRef } from './protocol';
import { SemanticIndex, type EmbedWorker } from './semantic-index.svelte';

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
afterEach(() => replica?.close());

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
});
