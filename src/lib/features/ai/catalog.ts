import type { ModelEntry } from '$sync/doc/model-registry';

/** Where transformer models come from; named in the consent dialog before any download. */
export const MODEL_HUB = 'huggingface.co';

export interface CatalogModel {
	/** The hub repository transformers.js loads: `owner/name`. */
	repo: string;
	title: string;
	summary: string;
	dims: number;
	/** About what is downloaded: 8-bit ONNX weights plus the tokenizer and configs. */
	bytes: number;
}

/** Transformer embedders offered for download, as the transformers.js ONNX conversions. */
export const CATALOG: readonly CatalogModel[] = [
	{
		repo: 'Xenova/all-MiniLM-L6-v2',
		title: 'all-MiniLM-L6-v2',
		summary: 'Small and quick; a clear step up from the built-in model for English.',
		dims: 384,
		bytes: 23_000_000
	},
	{
		repo: 'Xenova/bge-small-en-v1.5',
		title: 'bge-small-en-v1.5',
		summary: 'Better English search than MiniLM; a little larger and slower.',
		dims: 384,
		bytes: 34_000_000
	}
];

/** Registry ids allow neither capitals nor slashes: `Xenova/all-MiniLM-L6-v2` → `xenova-all-minilm-l6-v2`. */
export function catalogId(model: CatalogModel): string {
	return model.repo
		.toLowerCase()
		.replace(/[^a-z0-9._-]+/g, '-')
		.slice(0, 64);
}

export function catalogEntry(model: CatalogModel, addedAt = Date.now()): ModelEntry {
	return {
		id: catalogId(model),
		name: model.title,
		version: '1',
		kind: 'transformers',
		source: 'hub',
		dims: model.dims,
		location: model.repo,
		addedAt
	};
}

/** "23 MB": sizes in the dialog and beside the progress bar. */
export function formatMegabytes(bytes: number): string {
	const megabytes = bytes / 1_000_000;
	return `${megabytes < 10 ? megabytes.toFixed(1) : Math.round(megabytes)} MB`;
}
