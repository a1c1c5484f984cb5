import type { ModelRef, WorkerJobStats } from './protocol';

/** What a job was and what crossed to and from the runtime; records from older builds lack it. */
export interface JobTraffic {
	task: 'embed' | 'tag' | 'validate';
	/** UTF-8 bytes of the texts, or the bytes of the vectors a head scored. */
	bytesIn: number;
	/** Bytes of the vectors or scores that came back (4 per float32). */
	bytesOut: number;
	/** Left out when the job succeeded (every record before failures were logged did). */
	outcome?: 'failed';
}

/** One inference job, as the AI usage screen shows it: where it ran and what it cost. */
export interface InferenceRecord extends WorkerJobStats, Partial<JobTraffic> {
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
	stats: WorkerJobStats,
	traffic?: JobTraffic
): InferenceRecord {
	return { at: Date.now(), model: model.id, version: model.version, ...stats, ...traffic };
}

/** The record of a job the runtime failed: nothing came back, so nothing ran to count. */
export function failedRecord(
	model: Pick<ModelRef, 'id' | 'version' | 'backend'>,
	/** `queuedAt`: performance.timeOrigin + now() when the job was sent. */
	job: {
		batch: number;
		inputChars: number;
		queuedAt: number;
		task: JobTraffic['task'];
		bytesIn: number;
	}
): InferenceRecord {
	const { batch, inputChars, queuedAt, task, bytesIn } = job;
	return {
		at: Date.now(),
		model: model.id,
		version: model.version,
		backend: model.backend ?? 'wasm',
		batch,
		inputChars,
		inputTokens: 0,
		queueMs: Math.max(0, performance.timeOrigin + performance.now() - queuedAt),
		runMs: 0,
		task,
		bytesIn,
		bytesOut: 0,
		outcome: 'failed'
	};
}

const encoder = new TextEncoder();

/** UTF-8 bytes of the texts a job sends. */
export function textBytes(texts: readonly string[]): number {
	return texts.reduce((sum, text) => sum + encoder.encode(text).length, 0);
}
