import type { ModelRef, WorkerJobStats } from './protocol';

/** One inference job, as the AI usage screen shows it: where it ran and what it cost. */
export interface InferenceRecord extends WorkerJobStats {
	/** Assigned by the inference log's table. */
	seq?: number;
	at: number;
	/** The model id; for a tag head, its version id (version then reads `tag`). */
	model: string;
	version: string;
}

/** The log entry of a job that just finished, whether the worker or the server ran it. */
export function inferenceRecord(
	model: Pick<ModelRef, 'id' | 'version'>,
	stats: WorkerJobStats
): InferenceRecord {
	return { at: Date.now(), model: model.id, version: model.version, ...stats };
}
