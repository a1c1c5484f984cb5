import { liveQuery } from 'dexie';
import { handleError } from '$lib/app/handle-error';
import { BUILTIN_EMBEDDER } from '$lib/ai/models';
import type { Replica } from '$lib/replica/replica';
import type { InferenceRecord, ViewDb } from '$lib/replica/view-store';
import { parseManifest, type ModelFiles, type VectorSet } from './storage';

/** The log is capped: the charts and table only need the recent past. */
const LOG_LIMIT = 1000;

/** What the AI usage screen shows, read live from the view store and the model manifest. */
export class AiUsage {
	records = $state.raw<InferenceRecord[]>([]);
	vectorSets = $state.raw<VectorSet[]>([]);
	models = $state.raw<ModelFiles[]>([]);

	constructor(private readonly replica: Replica) {}

	/** Follows the inference log and the vectors table until the returned stop is called. */
	watch(): () => void {
		const view = this.replica.view;
		const log = liveQuery(() =>
			view.inferences.orderBy('seq').reverse().limit(LOG_LIMIT).toArray()
		).subscribe({
			next: (rows) => (this.records = rows),
			error: (error: unknown) => handleError(error, 'Could not read the inference log')
		});
		const vectors = liveQuery(() => vectorSets(view)).subscribe({
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

/** Count per model, and the width of a stored vector rather than what the model claims. */
async function vectorSets(view: ViewDb): Promise<VectorSet[]> {
	const models = (await view.vectors.orderBy('model').uniqueKeys()) as string[];
	return Promise.all(
		models.map(async (model) => {
			// A fresh collection each: Dexie's first() narrows the collection it is called on.
			const rows = () => view.vectors.where('model').equals(model);
			const [count, first] = await Promise.all([rows().count(), rows().first()]);
			return { model, count, dims: first?.vector.length ?? 0 };
		})
	);
}

async function fetchManifest(url: string, signal: AbortSignal): Promise<ModelFiles> {
	const response = await fetch(url, { signal });
	if (!response.ok) throw new Error(`${url} answered ${response.status}`);
	return parseManifest(await response.json());
}
