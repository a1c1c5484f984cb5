import { uint32 } from 'lib0/random';
import * as v from 'valibot';
import type * as Y from 'yjs';
import {
	AliasesSchema,
	MODEL_ID,
	ModelVersionSchema,
	RunBackendSchema,
	type Aliases,
	type ModelTask,
	type ModelVersion,
	type RunBackend
} from './model-version-schema';

export {
	DatasetRefSchema,
	EvalMetricsSchema,
	MODEL_TASKS,
	ModelVersionSchema,
	RUN_BACKENDS,
	TensorSigSchema,
	type Aliases,
	type DatasetRef,
	type EvalMetrics,
	type ModelTask,
	type ModelVersion,
	type RunBackend,
	type TensorSig
} from './model-version-schema';

/**
 * Model versions in the root doc (registry v2). Every map is top-level and holds whole JSON
 * values, so two devices adding versions at once both keep theirs (ids are random), and
 * concurrent alias moves resolve like any map key: one wins, every replica agrees. The embed
 * task's alias and the active embedder (`ai.activeEmbedder`, which builds from before versions
 * still read) move together; on read the active embedder's model wins.
 */
const VERSIONS = 'modelVersions';
const ALIASES = 'modelAliases';
const BACKENDS = 'modelBackends';
const REMOVED = 'modelVersionsRemoved';
const AI = 'ai';
const ACTIVE_EMBEDDER = 'activeEmbedder';

export const MODEL_VERSION_ERRORS = {
	invalid: 'not a valid model version',
	exists: 'a version with this id exists',
	unknown: 'no such version',
	'wrong-task': 'the version is of another task',
	active: 'the active version cannot be removed',
	builtin: 'the app serves the built-in version: it cannot be removed',
	'no-previous': 'there is no previous version'
} as const;

export class ModelVersionError extends Error {
	constructor(
		readonly code: keyof typeof MODEL_VERSION_ERRORS,
		detail?: string
	) {
		super(detail ? `${MODEL_VERSION_ERRORS[code]}: ${detail}` : MODEL_VERSION_ERRORS[code]);
		this.name = 'ModelVersionError';
	}
}

/** A fresh id: the model's id and 64 random bits, so two devices never mint the same one. */
export function newVersionId(model: string): string {
	if (!MODEL_ID.test(model)) throw new ModelVersionError('invalid', `model id ${model}`);
	const random = () => uint32().toString(36).padStart(7, '0');
	return `${model.slice(0, 49)}-${random()}${random()}`;
}

/** Every valid version, oldest first; what a peer wrote that does not validate is ignored. */
export function listVersions(
	doc: Y.Doc,
	filter: { model?: string; task?: ModelTask } = {}
): ModelVersion[] {
	const versions: ModelVersion[] = [];
	for (const id of doc.getMap(VERSIONS).keys()) {
		const version = getVersion(doc, id);
		if (!version || (filter.model && version.model !== filter.model)) continue;
		if (!filter.task || version.task === filter.task) versions.push(version);
	}
	return versions.sort(byCreation);
}

export function getVersion(doc: Y.Doc, id: string): ModelVersion | null {
	const parsed = v.safeParse(ModelVersionSchema, doc.getMap(VERSIONS).get(id));
	if (!parsed.success || parsed.output.id !== id) return null;
	const backend = v.safeParse(RunBackendSchema, doc.getMap(BACKENDS).get(id));
	return backend.success ? { ...parsed.output, backend: backend.output } : parsed.output;
}

/** Throws when the version does not validate or one with its id exists. */
export function addVersion(doc: Y.Doc, version: ModelVersion): void {
	const parsed = v.safeParse(ModelVersionSchema, version);
	if (!parsed.success) throw new ModelVersionError('invalid', v.summarize(parsed.issues));
	if (getVersion(doc, version.id)) throw new ModelVersionError('exists', version.id);
	doc.getMap(VERSIONS).set(version.id, parsed.output);
}

/**
 * 1-based within its model, by creation time then id: the same number on every device. Removed
 * versions still count, so a number, once shown, stays with its version.
 */
export function versionNumber(doc: Y.Doc, version: ModelVersion): number {
	const earlier = [
		...listVersions(doc, { model: version.model }),
		...removedOf(doc, version.model)
	];
	return earlier.filter((other) => byCreation(other, version) < 0).length + 1;
}

/** What numbering needs of a removed version: it is kept when the version goes. */
const RemovedSchema = v.object({ id: v.string(), model: v.string(), createdAt: v.number() });
type Removed = v.InferOutput<typeof RemovedSchema>;

function removedOf(doc: Y.Doc, model: string): Removed[] {
	const removed: Removed[] = [];
	for (const [id, value] of doc.getMap(REMOVED).entries()) {
		const parsed = v.safeParse(RemovedSchema, value);
		if (parsed.success && parsed.output.id === id && parsed.output.model === model)
			removed.push(parsed.output);
	}
	return removed;
}

/** The aliases of a task, each naming a version of that task that exists (or null). */
export function aliasesOf(doc: Y.Doc, task: ModelTask): Aliases {
	const stored = v.safeParse(AliasesSchema, doc.getMap(ALIASES).get(task));
	const ofTask = (id: string | null) => (id && getVersion(doc, id)?.task === task ? id : null);
	let active = stored.success ? ofTask(stored.output.active) : null;
	let previous = stored.success ? ofTask(stored.output.previous) : null;
	const embedder = task === 'embed' ? activeEmbedderModel(doc) : null;
	if (embedder && (!active || getVersion(doc, active)?.model !== embedder)) {
		// Set without the alias (by a migrated registry, or a device before versions): the
		// embedder's newest version is the active one.
		const newest = listVersions(doc, { model: embedder, task }).at(-1);
		if (newest) [active, previous] = [newest.id, active ?? previous];
	}
	return { active, previous: previous === active ? null : previous };
}

/** Makes the version active and the active one previous, in one step. */
export function promote(doc: Y.Doc, task: ModelTask, versionId: string): void {
	const version = getVersion(doc, versionId);
	if (!version) throw new ModelVersionError('unknown', versionId);
	if (version.task !== task) throw new ModelVersionError('wrong-task', versionId);
	const current = aliasesOf(doc, task);
	if (current.active !== versionId) {
		setAliases(doc, task, { active: versionId, previous: current.active });
	} else if (task === 'embed' && activeEmbedderModel(doc) !== version.model) {
		// Active by its alias while the active embedder names a model with no version: agree.
		setAliases(doc, task, current);
	}
}

/** Swaps the active and the previous version; throws when there is no previous one. */
export function rollBack(doc: Y.Doc, task: ModelTask): void {
	const { active, previous } = aliasesOf(doc, task);
	if (!previous) throw new ModelVersionError('no-previous', task);
	setAliases(doc, task, { active: previous, previous: active });
}

/** Removes a version (a no-op for one that is not there); throws for an active or built-in one. */
export function removeVersion(doc: Y.Doc, id: string): void {
	const version = getVersion(doc, id);
	if (!version) return;
	if (version.source === 'builtin') throw new ModelVersionError('builtin', id);
	if (aliasesOf(doc, version.task).active === id) throw new ModelVersionError('active', id);
	doc.transact(() => {
		doc.getMap(VERSIONS).delete(id);
		doc.getMap(BACKENDS).delete(id);
		const { model, createdAt } = version;
		doc.getMap(REMOVED).set(id, { id, model, createdAt } satisfies Removed);
	});
}

/** The backend a version prefers; kept beside it, so the version itself never changes. */
export function setVersionBackend(doc: Y.Doc, id: string, backend: RunBackend): void {
	const version = getVersion(doc, id);
	if (!version) throw new ModelVersionError('unknown', id);
	if (version.backend !== backend) doc.getMap(BACKENDS).set(id, backend);
}

/** The model id the active embedder names, as stored (see `activeEmbedderId` for a checked one). */
export function activeEmbedderModel(doc: Y.Doc): string | null {
	const id = doc.getMap(AI).get(ACTIVE_EMBEDDER);
	return typeof id === 'string' && MODEL_ID.test(id) ? id : null;
}

/** Promotes the model's embed version: the active one if it is of that model, else its newest. */
export function activateEmbedder(doc: Y.Doc, model: string): void {
	const { active } = aliasesOf(doc, 'embed');
	const isActive = active !== null && getVersion(doc, active)?.model === model;
	const version = isActive ? active : listVersions(doc, { model, task: 'embed' }).at(-1)?.id;
	if (!version) throw new ModelVersionError('unknown', `no embed version of ${model}`);
	promote(doc, 'embed', version);
}

/** Calls back once per transaction that changes versions, aliases or the maps named in `also`. */
export function observeVersions(
	doc: Y.Doc,
	onChange: () => void,
	also: readonly string[] = []
): () => void {
	const watched = new Set<unknown>(
		[VERSIONS, ALIASES, BACKENDS, AI, ...also].map((name) => doc.getMap(name))
	);
	const handler = (transaction: Y.Transaction) => {
		if ([...transaction.changed.keys()].some((type) => watched.has(type))) onChange();
	};
	doc.on('afterTransaction', handler);
	return () => doc.off('afterTransaction', handler);
}

function setAliases(doc: Y.Doc, task: ModelTask, aliases: Aliases): void {
	const model = aliases.active && getVersion(doc, aliases.active)?.model;
	doc.transact(() => {
		doc.getMap(ALIASES).set(task, { ...aliases });
		const isEmbedderMoved = task === 'embed' && model && activeEmbedderModel(doc) !== model;
		if (isEmbedderMoved) doc.getMap(AI).set(ACTIVE_EMBEDDER, model);
	});
}

function byCreation(a: Removed, b: Removed): number {
	return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Every blob a version keeps its files in (its ONNX file, an embedder's other files, its data
 * set), each once; none for a version the app or the hub serves (sha256 null).
 */
export function versionBlobs(version: ModelVersion): string[] {
	const named = [version.sha256, ...Object.values(version.files ?? {}), version.dataset?.sha256];
	return [...new Set(named.filter((sha) => typeof sha === 'string'))];
}
