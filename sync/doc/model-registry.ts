import * as v from 'valibot';
import type * as Y from 'yjs';

/**
 * The user's model registry, in the root doc: every embedder they can use (the built-in one,
 * downloaded transformer models, their own files), its version, and which one is active.
 * Entries are whole JSON values per key (last writer wins per model), and both maps are
 * top-level, so concurrent edits on two devices merge.
 */
const MODELS = 'models';
const AI = 'ai';
const ACTIVE_EMBEDDER = 'activeEmbedder';

export const ModelEntrySchema = v.object({
	id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9._-]{0,63}$/)),
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

/** Adds or updates an entry (e.g. a new built-in version); a no-op when nothing changed. */
export function registerModel(doc: Y.Doc, entry: ModelEntry): void {
	const current = getModel(doc, entry.id);
	if (current && JSON.stringify(current) === JSON.stringify(entry)) return;
	doc.getMap(MODELS).set(entry.id, { ...entry });
}

export function activeEmbedderId(doc: Y.Doc): string | null {
	const id = doc.getMap(AI).get(ACTIVE_EMBEDDER);
	return typeof id === 'string' && getModel(doc, id) ? id : null;
}

export function setActiveEmbedder(doc: Y.Doc, id: string): void {
	if (!getModel(doc, id)) throw new Error(`Unknown model ${id}`);
	doc.getMap(AI).set(ACTIVE_EMBEDDER, id);
}

export function observeModels(doc: Y.Doc, onChange: () => void): () => void {
	const models = doc.getMap(MODELS);
	const ai = doc.getMap(AI);
	const handler = () => onChange();
	models.observe(handler);
	ai.observe(handler);
	return () => {
		models.unobserve(handler);
		ai.unobserve(handler);
	};
}
