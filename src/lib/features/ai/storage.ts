import * as v from 'valibot';
import { formatBytes } from './usage';

/** Only the part of a model manifest the usage screen reads: what its files weigh. */
const ManifestSchema = v.object({
	id: v.string(),
	version: v.string(),
	files: v.array(v.object({ path: v.string(), bytes: v.pipe(v.number(), v.minValue(0)) }))
});

export type ModelFiles = v.InferOutput<typeof ManifestSchema>;

export function parseManifest(json: unknown): ModelFiles {
	return v.parse(ManifestSchema, json);
}

/** The stored vectors of one model; `dims` is read from a stored vector, 0 when there is none. */
export interface VectorSet {
	model: string;
	count: number;
	dims: number;
}

export interface StorageRow {
	/** The model, e.g. `glove-sif-50k 1.0.0`. */
	name: string;
	kind: 'model' | 'vectors';
	detail: string;
	bytes: number;
}

/** One row per model (its files together) and per vector set (count × dims × 4 bytes). */
export function storageRows(
	models: readonly ModelFiles[],
	vectors: readonly VectorSet[]
): StorageRow[] {
	const rows = models.map((m): StorageRow => ({
		name: `${m.id} ${m.version}`,
		kind: 'model',
		detail: `${m.files.length} files: ${m.files.map((f) => f.path).join(', ')}`,
		bytes: m.files.reduce((sum, f) => sum + f.bytes, 0)
	}));
	for (const set of vectors) {
		rows.push({
			name: set.model,
			kind: 'vectors',
			detail: `${set.count} vectors × ${set.dims} dims`,
			bytes: set.count * set.dims * Float32Array.BYTES_PER_ELEMENT
		});
	}
	return rows;
}

export function describeStorage(rows: readonly StorageRow[]): string {
	const parts = rows.map((r) => `${r.name} ${r.kind} ${formatBytes(r.bytes)}`);
	const total = rows.reduce((sum, r) => sum + r.bytes, 0);
	return `Storage used on this device: ${parts.join('; ')}; ${formatBytes(total)} in total.`;
}
