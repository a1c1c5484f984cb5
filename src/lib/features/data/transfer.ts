import type { ExportedThought } from '$sync/export-format';
import type { Thought } from '$sync/doc/shard-doc';
import type { ImportOutcome, Replica } from '$lib/replica/replica';
import { parseTags } from '$sync/tags';
import { parseImportFile, toExportJson, toMarkdownZip } from './export-files';
import { applyChoice, countOutgoing, type Outgoing, type PublishChoice } from '$lib/app/publish-consent';

export type Progress = (done: number, total: number) => void;

export interface ExportBundle {
	name: string;
	type: string;
	data: Uint8Array | string;
	count: number;
}

/** Exports read the docs, not the view: the file must hold everything the device has. */
export async function exportJson(replica: Replica, onProgress?: Progress): Promise<ExportBundle> {
	const thoughts = (await replica.allThoughts(onProgress)).map(toExported);
	const now = new Date();
	return {
		name: `thoughts10x-${stamp(now)}.json`,
		type: 'application/json',
		data: toExportJson(thoughts, now),
		count: thoughts.length
	};
}

export async function exportMarkdownZip(replica: Replica, onProgress?: Progress): Promise<ExportBundle> {
	const thoughts = (await replica.allThoughts(onProgress)).map(toExported);
	return {
		name: `thoughts10x-${stamp(new Date())}-markdown.zip`,
		type: 'application/zip',
		data: toMarkdownZip(thoughts),
		count: thoughts.length
	};
}

export class ImportError extends Error {}

/** A parsed import file, and what importing it as marked would publish. */
export interface ImportPlan {
	name: string;
	thoughts: Thought[];
	/** Counted over the thoughts this device does not have yet: only those are added. */
	outgoing: Outgoing;
}

/** Parses a JSON or Markdown-zip export; nothing is written until the plan is carried out. */
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
	return { name, thoughts, outgoing: countOutgoing(fresh) };
}

/** Adds the plan's thoughts this device does not have, as marked or all private. */
export function runImport(
	replica: Replica,
	plan: ImportPlan,
	choice: PublishChoice,
	onProgress?: Progress
): Promise<ImportOutcome> {
	return replica.importThoughts(applyChoice(plan.thoughts, choice), onProgress);
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
