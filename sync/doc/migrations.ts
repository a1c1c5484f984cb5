import type * as Y from 'yjs';

/**
 * Each doc type keeps its schema version in its top-level `meta` map. A PWA runs stale builds
 * for weeks, so a doc may be newer than the code reading it: such a doc is left untouched and
 * reported, and the app must not write to it.
 */
export interface Migration {
	/** The version the doc has after this step. */
	to: number;
	/** Must be idempotent: replicas may run it concurrently, and a crash may repeat it. */
	up(doc: Y.Doc): void;
}

export type MigrationOutcome =
	| { status: 'current'; version: number }
	| { status: 'migrated'; from: number; version: number }
	| { status: 'newer'; version: number; supported: number };

const META = 'meta';
const SCHEMA_VERSION = 'schemaVersion';

export function schemaVersionOf(doc: Y.Doc): number {
	const value = doc.getMap(META).get(SCHEMA_VERSION);
	return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

export function runMigrations(doc: Y.Doc, migrations: readonly Migration[]): MigrationOutcome {
	const supported = migrations.at(-1)?.to ?? 0;
	const from = schemaVersionOf(doc);
	if (from > supported) return { status: 'newer', version: from, supported };
	if (from === supported) return { status: 'current', version: from };
	doc.transact(() => {
		for (const step of migrations) if (step.to > from) step.up(doc);
		doc.getMap(META).set(SCHEMA_VERSION, supported);
	}, MIGRATION_ORIGIN);
	return { status: 'migrated', from, version: supported };
}

/** Transaction origin for migration writes, so observers can tell them from user edits. */
export const MIGRATION_ORIGIN = Symbol('migration');
