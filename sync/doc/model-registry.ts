import * as v from 'valibot';
import type * as Y from 'yjs';
import { contentHash } from '../content-hash';
import { MODEL_ID } from './model-version-schema';
import {
	activateEmbedder,
	activeEmbedderModel,
	addVersion,
	aliasesOf,
	getVersion,
	observeVersions,
	type ModelVersion
} from './model-versions';

/**
 * The user's embedders, in the root doc: every one they can use (the built-in one, downloaded
 * transformer models, their own files), where its files are, and which one is active. Entries
 * are whole JSON values per key (last writer wins per model) in top-level maps, so concurrent
 * edits on two devices merge. Since root schema 2 each entry also has a version
 * (`model-versions.ts`) whose id is derived from the entry, so devices agree on it.
 */
const MODELS = 'models';

export const ModelEntrySchema = v.object({
	id: v.pipe(v.string(), v.regex(MODEL_ID)),
	name: v.pipe(v.string(), v.maxLength(120)),
	version: v.pipe(v.string(), v.maxLength(40)),
	/** static: our own ONNX + vocab format; transformers: a transformers.js model folder. */
	kind: v.picklist(['static', 'transformers']),
	source: v.picklist(['builtin', 'hub', 'user']),
	dims: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096)),
	/** Where the files are: a folder URL for static models, a model name for transformers.js. */
	location: v.pipe(v.string(), v.maxLength(300)),
	addedAt: v.number()
});
export type ModelEntry = v.InferOutput<typeof ModelEntrySchema>;

/** Every valid entry; anything a peer wrote that does not validate is ignored. */
export function listModels(doc: Y.Doc): ModelEntry[] {
	const entries: ModelEntry[] = [];
	for (const value of doc.getMap(MODELS).values()) {
		const parsed = v.safeParse(ModelEntrySchema, value);
		if (parsed.success) entries.push(parsed.output);
	}
	return entries.sort((a, b) => a.addedAt - b.addedAt || (a.id < b.id ? -1 : 1));
}

export function getModel(doc: Y.Doc, id: string): ModelEntry | null {
	const parsed = v.safeParse(ModelEntrySchema, doc.getMap(MODELS).get(id));
	return parsed.success ? parsed.output : null;
}

/** Adds or updates an entry and its version (e.g. a new built-in); a no-op when nothing changed. */
export function registerModel(doc: Y.Doc, entry: ModelEntry): void {
	const current = getModel(doc, entry.id);
	const version = entryVersion(entry);
	doc.transact(() => {
		if (!current || JSON.stringify(current) !== JSON.stringify(entry)) {
			doc.getMap(MODELS).set(entry.id, { ...entry });
		}
		if (!getVersion(doc, version.id)) addVersion(doc, version);
	});
}

/**
 * The version an entry stands for. Its id comes from the entry's id and version string, so two
 * devices migrating or registering the same entry at once write the same value.
 */
export function entryVersion(entry: ModelEntry): ModelVersion {
	return {
		id: `${entry.id.slice(0, 50)}-${contentHash(JSON.stringify([entry.id, entry.version]))}`,
		model: entry.id,
		name: entry.name || entry.id,
		task: 'embed',
		format: entry.kind,
		source: entry.source,
		sha256: null,
		size: 0,
		signature: { inputs: [], outputs: [] },
		dims: [entry.dims],
		device: '',
		createdAt: Number.isFinite(entry.addedAt) ? Math.max(0, entry.addedAt) : 0
	};
}

/** Root schema 2: every entry gets its version. The embed alias then reads from the active embedder. */
export function addEntryVersions(doc: Y.Doc): void {
	for (const entry of listModels(doc)) {
		const version = entryVersion(entry);
		if (!getVersion(doc, version.id)) addVersion(doc, version);
	}
}

/**
 * The active embedder's model id: the embed alias's model, or (for an entry from before
 * versions) the entry the active embedder names; null when neither is set.
 */
export function activeEmbedderId(doc: Y.Doc): string | null {
	const active = aliasesOf(doc, 'embed').active;
	if (active) return getVersion(doc, active)?.model ?? null;
	const id = activeEmbedderModel(doc);
	return id && getModel(doc, id) ? id : null;
}

/** Moves the embed alias to the model (its active or newest version); throws for an unknown one. */
export function setActiveEmbedder(doc: Y.Doc, id: string): void {
	const entry = getModel(doc, id);
	doc.transact(() => {
		// An entry a device from before versions added has none yet.
		if (entry) registerModel(doc, entry);
		activateEmbedder(doc, id);
	});
}

/** Calls back once per change to the entries, versions or aliases; returns the stop. */
export function observeModels(doc: Y.Doc, onChange: () => void): () => void {
	return observeVersions(doc, onChange, [MODELS]);
}
