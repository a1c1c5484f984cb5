import { liveQuery } from 'dexie';
import { handleError } from '$lib/app/handle-error';
import { BUILTIN_EMBEDDER } from '$lib/ai/models';
import type { Replica } from '$lib/replica/replica';
import { vectorCounts } from '$lib/replica/vector-store';
import type { InferenceRecord } from '$lib/ai/inference-record';
import { parseManifest, type ModelFiles, type VectorSet } from './storage';

/** The log is capped: the charts and table only need the recent past. */
const LOG_LIMIT = 1000;

/** What the AI usage screen shows, read live from the view store and the model manifest. */
export class AiUsage {
	records = $state.raw<InferenceRecord[]>([]);
	vectorSets = $state.raw<VectorSet[]>([]);
	models = $state.raw<ModelFiles[]>([]);

	constructor(private readonly replica: Replica) {}

	/** Follows the inference log and the stored vectors until the returned stop is called. */
	watch(): () => void {
		const view = this.replica.view;
		const log = liveQuery(() =>
			view.inferences.orderBy('seq').reverse().limit(LOG_LIMIT).toArray()
		).subscribe({
			next: (rows) => (this.records = rows),
			error: (error: unknown) => handleError(error, 'Could not read the inference log')
		});
		const vectors = liveQuery(() => vectorCounts(view)).subscribe({
			next: (sets) => (this.vectorSets = sets),
			error: (error: unknown) => handleError(error, 'Could not count vectors')
		});
		const abort = new AbortController();
		fetchManifest(`${BUILTIN_EMBEDDER.location}manifest.json`, abort.signal)
			.then((model) => (this.models = [model]))
			.catch((error: unknown) => {
				if (!abort.signal.aborted) handleError(error, 'Could not read the model manifest');
			});
		return () => {
			log.unsubscribe();
			vectors.unsubscribe();
			abort.abort();
		};
	}
}

async function fetchManifest(url: string, signal: AbortSignal): Promise<ModelFiles> {
	const response = await fetch(url, { signal });
	if (!response.ok) throw new Error(`${url} answered ${response.status}`);
	return parseManifest(await response.json());
}
