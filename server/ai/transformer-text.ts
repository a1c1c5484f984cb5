import { Tokenizer } from '@huggingface/tokenizers';

/**
 * An uploaded transformer embedder's text side on the server, done as transformers.js does it
 * on the device (its feature-extraction pipeline with mean pooling and normalising), so the
 * server's vectors match the device's: the bundle's own tokenizer with its special tokens,
 * truncated to the model's length and padded to the longest text, then the hidden states'
 * mean over the real tokens, made unit length.
 */

/** What transformers.js assumes when a tokenizer config states no length (or a silly one). */
const DEFAULT_MAX_LENGTH = 512;
const MAX_LENGTH_CAP = 8192;

export interface EncodedBatch {
	/** `[texts, length]`, row-major, as the model's int64 inputs take them. */
	ids: BigInt64Array;
	mask: BigInt64Array;
	types: BigInt64Array;
	length: number;
	/** Real tokens over all texts (special ones included): what quotas count. */
	tokens: number;
}

export interface BatchEncoder {
	encode(texts: readonly string[]): EncodedBatch;
}

type TokenizerConfig = { model_max_length?: unknown; pad_token?: unknown };

function padTokenName(config: TokenizerConfig): string | null {
	const pad = config.pad_token;
	if (typeof pad === 'string') return pad;
	if (
		pad &&
		typeof pad === 'object' &&
		typeof (pad as { content?: unknown }).content === 'string'
	) {
		return (pad as { content: string }).content;
	}
	return null;
}

/** The bundle's tokenizer.json and tokenizer_config.json (as text) as a batch encoder. */
export function loadBatchEncoder(tokenizerJson: string, configJson: string | null): BatchEncoder {
	const config = (configJson ? JSON.parse(configJson) : {}) as TokenizerConfig;
	const tokenizer = new Tokenizer(JSON.parse(tokenizerJson) as object, config);
	const declared = config.model_max_length;
	const maxLength =
		typeof declared === 'number' && Number.isInteger(declared) && declared > 0
			? Math.min(declared, MAX_LENGTH_CAP)
			: DEFAULT_MAX_LENGTH;
	const padName = padTokenName(config);
	const padId = (padName && tokenizer.token_to_id(padName)) ?? 0;
	return {
		encode(texts) {
			const rows = texts.map((text) => {
				const encoded = tokenizer.encode(text, { return_token_type_ids: true });
				return {
					ids: encoded.ids.slice(0, maxLength),
					types: encoded.token_type_ids.slice(0, maxLength)
				};
			});
			const length = Math.max(1, ...rows.map((row) => row.ids.length));
			const size = texts.length * length;
			const batch: EncodedBatch = {
				ids: new BigInt64Array(size).fill(BigInt(padId)),
				mask: new BigInt64Array(size),
				types: new BigInt64Array(size),
				length,
				tokens: 0
			};
			rows.forEach((row, i) => {
				row.ids.forEach((id, j) => {
					batch.ids[i * length + j] = BigInt(id);
					batch.mask[i * length + j] = 1n;
					batch.types[i * length + j] = BigInt(row.types[j] ?? 0);
				});
				batch.tokens += row.ids.length;
			});
			return batch;
		}
	};
}

/**
 * `[batch, sequence, dims]` hidden states → `[batch, dims]`: the mean over the positions the
 * mask keeps, scaled to unit length (a text with no tokens stays all zeros).
 */
export function meanPooledUnit(
	hidden: Float32Array,
	[batch, sequence, dims]: readonly number[],
	mask: BigInt64Array
): Float32Array {
	const pooled = new Float32Array(batch * dims);
	for (let b = 0; b < batch; b++) {
		let kept = 0;
		for (let s = 0; s < sequence; s++) {
			if (mask[b * sequence + s] === 0n) continue;
			kept++;
			const from = (b * sequence + s) * dims;
			for (let d = 0; d < dims; d++) pooled[b * dims + d] += hidden[from + d];
		}
		let norm = 0;
		for (let d = 0; d < dims; d++) {
			pooled[b * dims + d] /= Math.max(kept, 1);
			norm += pooled[b * dims + d] ** 2;
		}
		const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
		for (let d = 0; d < dims; d++) pooled[b * dims + d] *= scale;
	}
	return pooled;
}
