import { readFile } from 'node:fs/promises';
import type { ModelVersion } from '../../sync/doc/model-versions';
import { tokenize } from '../../sync/ai/tokenizer';
import { ByteLru } from '../ai/byte-lru';
import type { Artifact, EmbedderRef } from '../ai/runner-messages';
import type { ServedEmbedder } from '../ai/static-models';
import { loadBatchEncoder, type BatchEncoder } from '../ai/transformer-text';
import type { ModelValidations } from './model-validations';
import { notOnServer, tooLarge } from './run-refusal';

/** An embedder a run reads texts with, and how it counts their tokens before the run. */
export interface ResolvedEmbedder {
	isBuiltin: boolean;
	embedder: EmbedderRef;
	dims: number;
	countTokens(texts: readonly string[]): number;
}

export function builtinEmbedder(served: ServedEmbedder): ResolvedEmbedder {
	return {
		isBuiltin: true,
		embedder: { builtin: served.id },
		dims: served.dims,
		countTokens: (texts) =>
			texts.reduce((sum, text) => sum + tokenize(text, served.vocab).length, 0)
	};
}

export type LocalFile = (
	userId: string,
	sha256: string
) => { path: string; blob: { size: number } } | null;

/** Tokenizers kept for counting tokens up front, by the bytes of their tokenizer.json. */
const ENCODER_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * A user's uploaded transformer embedder on the server: every file of the version from the
 * user's own blob store, the whole bundle through the shared validator, and its tokenizer.
 */
export class UploadedEmbedders {
	readonly #encoders = new ByteLru<Promise<BatchEncoder>>(ENCODER_CACHE_BYTES);

	constructor(
		private readonly localFile: LocalFile,
		private readonly validations: ModelValidations,
		private readonly maxModelBytes: number
	) {}

	async resolve(userId: string, version: ModelVersion): Promise<ResolvedEmbedder> {
		const files = Object.entries(version.files ?? {}).map(([path, sha256]) => {
			const file = this.localFile(userId, sha256);
			if (!file) throw notOnServer(version);
			return { path, sha256, file };
		});
		const onnx = files.find((entry) => entry.sha256 === version.sha256);
		const tokenizer = files.find((entry) => entry.path === 'tokenizer.json');
		if (!onnx || !tokenizer) throw notOnServer(version);
		const size = files.reduce((sum, entry) => sum + entry.file.blob.size, 0);
		if (size > this.maxModelBytes) throw tooLarge(this.maxModelBytes, size);
		await this.validations.check(
			files.map(({ path, sha256 }) => [path, sha256]),
			async () => ({
				task: 'embed',
				bundle: {
					onnxPath: onnx.path,
					onnx: await readFile(onnx.file.path),
					files: Object.fromEntries(
						await Promise.all(
							files
								.filter((entry) => entry !== onnx)
								.map(async (entry) => [entry.path, await readFile(entry.file.path)] as const)
						)
					)
				}
			})
		);
		const config = files.find((entry) => entry.path === 'tokenizer_config.json');
		const artifact = (entry: { sha256: string; file: { path: string } }): Artifact => ({
			sha256: entry.sha256,
			path: entry.file.path
		});
		const encoder = await this.#encoder(artifact(tokenizer), config && artifact(config));
		return {
			isBuiltin: false,
			embedder: {
				bundle: {
					onnx: artifact(onnx),
					tokenizer: artifact(tokenizer),
					tokenizerConfig: config ? artifact(config) : null
				}
			},
			dims: version.dims[0],
			countTokens: (texts) => encoder.encode(texts).tokens
		};
	}

	#encoder(tokenizer: Artifact, config: Artifact | undefined): Promise<BatchEncoder> {
		const key = `${tokenizer.sha256}:${config?.sha256 ?? ''}`;
		let encoder = this.#encoders.get(key);
		if (!encoder) {
			encoder = Promise.all([
				readFile(tokenizer.path, 'utf8'),
				config ? readFile(config.path, 'utf8') : null
			]).then(([json, configJson]) => loadBatchEncoder(json, configJson));
			encoder.catch(() => this.#encoders.delete(key));
			this.#encoders.set(key, encoder, 1024 * 1024);
		}
		return encoder;
	}
}
