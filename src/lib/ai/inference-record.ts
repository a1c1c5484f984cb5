import type { JobStats } from '$sync/protocol/ai';
import type { ModelRef } from './protocol';

/** One inference job, as the AI usage screen shows it: where it ran and what it cost. */
export interface InferenceRecord extends JobStats {
	/** Assigned by the inference log's table. */
	seq?: number;
	at: number;
	model: string;
	version: string;
}

/** The log entry of a job that just finished, whether the worker or the server ran it. */
export function inferenceRecord(
	model: Pick<ModelRef, 'id' | 'version'>,
	stats: JobStats
): InferenceRecord {
	return { at: Date.now(), model: model.id, version: model.version, ...stats };
}
