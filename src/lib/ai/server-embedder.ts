import { api } from '$lib/app/api';
import type { EmbedResponse, JobStats } from '$sync/protocol/ai';
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

/** The server fallback (`POST /api/ai/embed`): same model file, same tokenizer, same vectors. */
export async function embedOnServer(
	model: ModelRef,
	texts: string[]
): Promise<{ vectors: Float32Array[]; stats: JobStats }> {
	const response = await api<EmbedResponse>('/api/ai/embed', {
		method: 'POST',
		body: { model: model.id, texts }
	});
	return { vectors: response.vectors.map((v) => Float32Array.from(v)), stats: response.stats };
}
