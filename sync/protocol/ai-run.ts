import * as v from 'valibot';
import { MODEL_TASKS, VersionIdSchema, type ModelTask } from '../doc/model-version-schema';
import { EmbedRequestSchema, type JobStats } from './ai';

/**
 * The server's serving layer for the models a user owns, shared by the PWA and the server.
 *
 * - `POST /api/ai/run` `{ task, version, texts }`: runs one of the caller's model versions (the
 *   built-in embedder by its model id, or a version of their registry: a trained or uploaded tag
 *   head over the built-in embedder). 404 for a version the caller does not have, whoever else
 *   does; 422 `unsupported` for a model only the device runs, `invalid_model` for one that fails
 *   the shared validator; 429 `quota_exceeded` with a `QuotaRefusal`; 503 `busy` with Retry-After.
 * - `GET /api/ai/usage?days=N` (1–90, default 30): the caller's own `UsageReport`.
 */

const texts = EmbedRequestSchema.entries.texts;

export const RunRequestSchema = v.object(
	{
		task: v.picklist(MODEL_TASKS, 'The task is embed or tag.'),
		version: v.pipe(
			v.string('Name the model version with text.'),
			v.nonEmpty('Name the model version.'),
			VersionIdSchema
		),
		texts
	},
	'Send an object with task, version and texts.'
);
export type RunRequest = v.InferOutput<typeof RunRequestSchema>;

/** What one server run cost, beside the job's usual stats. */
export interface RunStats extends JobStats {
	/** In the price table's currency. */
	cost: number;
}

export type RunResponse = {
	model: string;
	version: string;
	stats: RunStats;
} & (
	| { task: 'embed'; dims: number; vectors: number[][] }
	| { task: 'tag'; labels: string[]; scores: number[][] }
);

export const QUOTAS = ['compute', 'tokens', 'storage'] as const;
export type QuotaName = (typeof QUOTAS)[number];

/** The details of a 429 `quota_exceeded`: which quota, how far, and when it is whole again. */
export interface QuotaRefusal {
	quota: QuotaName;
	plan: string;
	limit: number;
	used: number;
	/** Epoch ms of the next UTC midnight; null for storage, which frees only when data goes. */
	resetsAt: number | null;
}

export interface QuotaState {
	limit: number;
	used: number;
	resetsAt: number | null;
}

export interface PriceTable {
	currency: string;
	perComputeSecond: number;
	perGbMonth: number;
}

export interface UsageDay {
	/** `YYYY-MM-DD`, UTC. */
	day: string;
	runs: number;
	failed: number;
	computeSeconds: number;
	tokens: number;
	cost: number;
}

export interface UsageByModel {
	model: string;
	version: string;
	task: ModelTask;
	runs: number;
	computeSeconds: number;
	tokens: number;
	cost: number;
}

export interface UsageReport {
	plan: string;
	prices: PriceTable;
	quotas: Record<QuotaName, QuotaState>;
	/** Oldest first, one entry per day of the window, days without runs included. */
	days: UsageDay[];
	models: UsageByModel[];
	/** What the blobs and documents held now cost per day at the price table's GB-month. */
	storage: { bytes: number; costPerDay: number };
}

export const MAX_USAGE_DAYS = 90;
