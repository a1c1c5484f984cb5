import type { ExportedThought } from '$sync/export-format';
import type { Thought } from '$sync/doc/shard-doc';
import type { ImportOutcome, Replica } from '$lib/replica/replica';
import { parseTags } from '$sync/tags';
import { deviceBlobsFor } from '$lib/app/device-blobs';
import { applyChoice, countOutgoing, type Outgoing, type PublishChoice } from '$lib/app/publish-consent';
import { parseImportFile, toExportJson, toMarkdownZip } from './export-files';
import { readModels, type ModelsExport } from './model-files';
import { collectModels, newVersions, restoreModels, type RestoredModels } from './model-transfer';

export type Progress = (done: number, total: number) => void;

export interface ExportBundle {
	name: string;
	type: string;
	data: Uint8Array | string;
	count: number;
	/** The user's own model versions in the file. */
	models: number;
	/** Own versions left out: a file they name is not on this device and could not be fetched. */
	missingModels: number;
}

/** Exports read the docs, not the view: the file must hold everything the device has. */
export async function exportJson(replica: Replica, onProgress?: Progress): Promise<ExportBundle> {
	const thoughts = (await replica.allThoughts(onProgress)).map(toExported);
	const { models, missing } = await collectModels(replica.models, deviceBlobsFor(replica));
	const now = new Date();
	return {
		name: `thoughts10x-${stamp(now)}.json`,
		type: 'application/json',
		data: toExportJson(thoughts, now, models),
		count: thoughts.length,
		models: models.versions.length,
		missingModels: missing.length
	};
}

export async function exportMarkdownZip(replica: Replica, onProgress?: Progress): Promise<ExportBundle> {
	const thoughts = (await replica.allThoughts(onProgress)).map(toExported);
	const { models, missing } = await collectModels(replica.models, deviceBlobsFor(replica));
	return {
		name: `thoughts10x-${stamp(new Date())}-markdown.zip`,
		type: 'application/zip',
		data: toMarkdownZip(thoughts, models),
		count: thoughts.length,
		models: models.versions.length,
		missingModels: missing.length
	};
}

export class ImportError extends Error {
	readonly code = 'invalid_file';
}

/** A parsed import file, and what importing it as marked would publish. */
export interface ImportPlan {
	name: string;
	thoughts: Thought[];
	/** Counted over the thoughts this device does not have yet: only those are added. */
	outgoing: Outgoing;
	/** The file's models part, checked through (files, sha256s, data sets); null without one. */
	models: ModelsExport | null;
	/** How many of its versions this registry lacks. */
	newModels: number;
}

/**
 * Parses a JSON or Markdown-zip export and checks every part of it; nothing is written until
 * the plan is carried out. A bad models file fails the whole plan (a ModelFileError naming
 * it), like a bad thought does: an import applies all of a file or none of it.
 */
export async function planImport(
	replica: Replica,
	name: string,
	bytes: Uint8Array
): Promise<ImportPlan> {
	const parsed = parseImportFile(name, bytes);
	if (!parsed.ok) throw new ImportError(parsed.error);
	const thoughts = parsed.thoughts.map(fromExported);
	const ids = thoughts.map((t) => t.id);
	// A thought here already, live or in the trash, is skipped: it publishes nothing.
	const [live, trashed] = await Promise.all([
		replica.view.thoughts.bulkGet(ids),
		replica.view.trash.bulkGet(ids)
	]);
	const fresh = thoughts.filter((_, i) => !live[i] && !trashed[i]);
	const models = parsed.models ? await readModels(parsed.models) : null;
	const newModels = models ? newVersions(replica.models, models).length : 0;
	return { name, thoughts, outgoing: countOutgoing(fresh), models, newModels };
}

export interface ImportReport extends ImportOutcome {
	models: RestoredModels | null;
}

/**
 * Adds the plan's models and thoughts this device does not have, the thoughts as marked or all
 * private. Models first: a full device then stops the import before any thought is added.
 * Models are never published: the registry and the files stay the user's own.
 */
export async function runImport(
	replica: Replica,
	plan: ImportPlan,
	choice: PublishChoice,
	onProgress?: Progress
): Promise<ImportReport> {
	const models = plan.models
		? await restoreModels(replica.models, deviceBlobsFor(replica), plan.models)
		: null;
	const outcome = await replica.importThoughts(applyChoice(plan.thoughts, choice), onProgress);
	return { ...outcome, models };
}

export function toExported(thought: Thought): ExportedThought {
	return {
		id: thought.id,
		text: thought.text,
		createdAt: new Date(thought.createdAt).toISOString(),
		visibility: thought.visibility,
		pinned: thought.pinned,
		tags: parseTags(thought.text)
	};
}

function fromExported(thought: ExportedThought): Thought {
	return {
		id: thought.id,
		text: thought.text,
		createdAt: Date.parse(thought.createdAt),
		visibility: thought.visibility,
		pinned: thought.pinned
	};
}

function stamp(date: Date): string {
	return date.toISOString().slice(0, 10);
}
