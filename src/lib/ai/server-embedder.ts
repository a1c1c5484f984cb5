import { api, ApiRequestError } from '$lib/app/api';
import { MAX_EMBED_TEXTS, type EmbedResponse, type JobStats } from '$sync/protocol/ai';
import type { QuotaRefusal } from '$sync/protocol/ai-run';
import { inferenceRecord, textBytes, type InferenceRecord } from './inference-record';
import type { ModelRef } from './protocol';

export type BackendChoice = 'device' | 'server';

const KEY = (modelId: string) => `t10x:ai-backend:${modelId}`;

/** Where this device runs a model: chosen per device, since devices differ in power. */
export function backendChoice(modelId: string): BackendChoice {
	return typeof localStorage !== 'undefined' && localStorage.getItem(KEY(modelId)) === 'server'
		? 'server'
		: 'device';
}

export function setBackendChoice(modelId: string, choice: BackendChoice): void {
	if (choice === 'server') localStorage.setItem(KEY(modelId), 'server');
	else localStorage.removeItem(KEY(modelId));
}

/** The server refused the job: the user's plan has none of this quota left until `resetsAt`. */
export class ServerQuotaError extends Error {
	constructor(
		message: string,
		readonly refusal: QuotaRefusal | undefined
	) {
		super(message);
	}
}

/** When the spent quota comes back; until then this device runs the models itself. */
let quotaResetsAt = 0;
/** Without a reset time in the answer, ask the server again after this long. */
const RETRY_WITHOUT_RESET_MS = 60_000;

export function isServerQuotaSpent(now = Date.now()): boolean {
	return now < quotaResetsAt;
}

/** The server fallback (`POST /api/ai/embed`): same model file, same tokenizer, same vectors. */
export async function embedOnServer(
	model: ModelRef,
	texts: string[]
): Promise<{ vectors: Float32Array[]; stats: JobStats }> {
	try {
		const response = await api<EmbedResponse>('/api/ai/embed', {
			method: 'POST',
			body: { model: model.id, texts }
		});
		return { vectors: response.vectors.map((v) => Float32Array.from(v)), stats: response.stats };
	} catch (error) {
		if (!(error instanceof ApiRequestError) || error.code !== 'quota_exceeded') throw error;
		const refusal = error.details.quota as QuotaRefusal | undefined;
		quotaResetsAt = refusal?.resetsAt ?? Date.now() + RETRY_WITHOUT_RESET_MS;
		throw new ServerQuotaError(error.message, refusal);
	}
}

/**
 * Embeds on the server one request's worth at a time. A spent quota stops it: the texts
 * embedded so far come back with the refusal, so the caller can do the rest elsewhere.
 */
export async function embedInParts(
	model: ModelRef,
	texts: string[],
	isCancelled: () => boolean
): Promise<{ vectors: Float32Array[]; records: InferenceRecord[]; refusal?: ServerQuotaError }> {
	const vectors: Float32Array[] = [];
	const records: InferenceRecord[] = [];
	for (let i = 0; i < texts.length && !isCancelled(); i += MAX_EMBED_TEXTS) {
		const chunk = texts.slice(i, i + MAX_EMBED_TEXTS);
		try {
			const part = await embedOnServer(model, chunk);
			const bytesOut = part.vectors.reduce((sum, vector) => sum + vector.byteLength, 0);
			const traffic = { task: 'embed', bytesIn: textBytes(chunk), bytesOut } as const;
			vectors.push(...part.vectors);
			records.push(inferenceRecord(model, part.stats, traffic));
		} catch (error) {
			if (error instanceof ServerQuotaError) return { vectors, records, refusal: error };
			throw error;
		}
	}
	return { vectors, records };
}
