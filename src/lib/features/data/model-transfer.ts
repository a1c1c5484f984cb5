import { versionBlobs, type ModelTask, type ModelVersion } from '$sync/doc/model-versions';
import { BlobError } from '$lib/replica/blob-store';
import type { ReplicaModels } from '$lib/replica/replica-models';
import { type ModelsExport } from './model-files';

/** The device's blobs as the export and import use them (DeviceBlobs). */
export interface ModelBlobs {
	/** Downloads a blob this device lacks when the account is connected; else throws a BlobError. */
	get(sha256: string): Promise<Uint8Array>;
	put(bytes: Uint8Array): Promise<string>;
}

export interface CollectedModels {
	models: ModelsExport;
	/** The user's versions left out: a file they name is not here and could not be downloaded. */
	missing: ModelVersion[];
}

/**
 * The user's own versions (uploaded and trained: the app and the hub serve the others) with
 * every file they name, and the aliases among them.
 */
export async function collectModels(
	registry: ReplicaModels,
	blobs: ModelBlobs
): Promise<CollectedModels> {
	const own = registry.listVersions().filter((v) => v.source === 'user' || v.source === 'trained');
	const files = new Map<string, Uint8Array>();
	const versions: ModelVersion[] = [];
	const missing: ModelVersion[] = [];
	for (const version of own) {
		const read = await readFiles(versionBlobs(version), blobs);
		if (!read) {
			missing.push(version);
			continue;
		}
		for (const [sha, bytes] of read) files.set(sha, bytes);
		versions.push(version);
	}
	const ids = new Set(versions.map((version) => version.id));
	const aliases: ModelsExport['aliases'] = {};
	for (const task of ['embed', 'tag'] as const) {
		const { active, previous } = registry.aliasesOf(task);
		const named = (id: string | null) => (id && ids.has(id) ? id : null);
		if (named(active) || named(previous)) {
			aliases[task] = { active: named(active), previous: named(previous) };
		}
	}
	return { models: { versions, aliases, files }, missing };
}

async function readFiles(shas: string[], blobs: ModelBlobs) {
	const files = new Map<string, Uint8Array>();
	for (const sha of shas) {
		try {
			files.set(sha, await blobs.get(sha));
		} catch (error) {
			// Not here, and not downloadable now (no account, offline): the export goes on without it.
			if (error instanceof BlobError) return null;
			throw error;
		}
	}
	return files;
}

export interface RestoredModels {
	/** Versions the registry did not have. */
	added: number;
	/** Tasks that had no active version and now run the imported one. */
	activated: ModelTask[];
}

/** The versions of a models part this registry lacks. */
export function newVersions(registry: ReplicaModels, models: ModelsExport): ModelVersion[] {
	return models.versions.filter((version) => !registry.getVersion(version.id));
}

/**
 * Restores a checked models part (from `readModels`): the files first (so no version names a
 * file this device lacks), then the versions the registry lacks. The aliases move only for a
 * task with no active version: an import never replaces the model a person chose. A repeat
 * changes nothing.
 */
export async function restoreModels(
	registry: ReplicaModels,
	blobs: ModelBlobs,
	models: ModelsExport
): Promise<RestoredModels> {
	for (const [sha, bytes] of models.files) {
		const stored = await blobs.put(bytes);
		if (stored !== sha) throw new BlobError('corrupt', `The file ${sha} changed while importing.`);
	}
	const added = newVersions(registry, models);
	for (const version of added) registry.addVersion(version);
	const activated: ModelTask[] = [];
	for (const task of ['embed', 'tag'] as const) {
		const imported = models.aliases[task]?.active;
		if (!imported || registry.aliasesOf(task).active) continue;
		// An id the registry already had for another task (a forged file) stays as it is.
		if (registry.getVersion(imported)?.task !== task) continue;
		registry.promote(task, imported);
		activated.push(task);
	}
	return { added: added.length, activated };
}
