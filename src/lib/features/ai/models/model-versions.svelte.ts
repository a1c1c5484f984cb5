import type {
	Aliases,
	ArtifactStore,
	ModelTask,
	ModelVersion,
	RunBackend,
	VersionRegistry
} from './ports';
import { versionBlobs } from '$sync/doc/model-versions';

export const VERSION_ERRORS = {
	no_file: 'It has no file of its own: the app serves it',
	active: 'The active version cannot be deleted: promote another one first',
	no_previous: 'There is no previous version to go back to'
} as const;

export class VersionError extends Error {
	constructor(readonly code: keyof typeof VERSION_ERRORS) {
		super(VERSION_ERRORS[code]);
	}
}

/** A version as the list shows it. */
export interface VersionItem {
	version: ModelVersion;
	number: number;
	isActive: boolean;
	isPrevious: boolean;
	/** A head over another embedder's vectors than the active one: retrained in the background. */
	isStale: boolean;
}

export interface ModelItem {
	model: string;
	name: string;
	task: ModelTask;
	/** Newest first. */
	versions: VersionItem[];
}

export interface ModelVersionsDeps {
	registry: VersionRegistry;
	blobs: ArtifactStore;
	activeEmbedder(): string;
}

export function isStale(version: ModelVersion, activeEmbedder: string): boolean {
	return version.task === 'tag' && !!version.embedder && version.embedder !== activeEmbedder;
}

/** The blobs a version's files are kept under. */
/** Every model with its versions and the aliases of each task; follows every device's changes. */
export class ModelVersions {
	models = $state.raw<ModelItem[]>([]);
	aliases = $state.raw<Record<ModelTask, Aliases>>({
		embed: { active: null, previous: null },
		tag: { active: null, previous: null }
	});
	#stop: () => void;

	constructor(private readonly deps: ModelVersionsDeps) {
		this.#refresh();
		this.#stop = deps.registry.onChanged(() => this.#refresh());
	}

	dispose(): void {
		this.#stop();
	}

	canRollBack(task: ModelTask): boolean {
		return this.aliases[task].previous !== null;
	}

	promote(version: ModelVersion): void {
		this.deps.registry.promote(version.task, version.id);
	}

	rollBack(task: ModelTask): void {
		if (!this.canRollBack(task)) throw new VersionError('no_previous');
		this.deps.registry.rollBack(task);
	}

	setBackend(version: ModelVersion, backend: RunBackend): void {
		this.deps.registry.setBackend(version.id, backend);
	}

	/** The version's ONNX file, named for a download. */
	async exportFile(version: ModelVersion): Promise<{ name: string; bytes: Uint8Array }> {
		if (!version.sha256) throw new VersionError('no_file');
		const bytes = await this.deps.blobs.get(version.sha256);
		const number = this.deps.registry.versionNumber(version);
		return { name: `${version.model}-v${number}.onnx`, bytes };
	}

	/** The snapshot of the data set a trained version learnt from, as JSON. */
	async exportDataset(version: ModelVersion): Promise<{ name: string; bytes: Uint8Array }> {
		if (!version.dataset) throw new VersionError('no_file');
		const bytes = await this.deps.blobs.get(version.dataset.sha256);
		const number = this.deps.registry.versionNumber(version);
		return { name: `${version.model}-v${number}-dataset.json`, bytes };
	}

	/** Removes the version, then frees each of its blobs no other version still references. */
	async remove(version: ModelVersion): Promise<void> {
		if (this.aliases[version.task].active === version.id) throw new VersionError('active');
		const { registry, blobs } = this.deps;
		registry.removeVersion(version.id);
		const kept = new Set(registry.listVersions().flatMap(versionBlobs));
		for (const sha256 of new Set(versionBlobs(version))) {
			if (!kept.has(sha256)) await blobs.delete(sha256);
		}
	}

	#refresh(): void {
		const { registry } = this.deps;
		const embedder = this.deps.activeEmbedder();
		const aliases = { embed: registry.aliasesOf('embed'), tag: registry.aliasesOf('tag') };
		// Unset until someone picks an embedder: search then uses the default one, so it is active.
		aliases.embed.active ??=
			registry.listVersions({ model: embedder, task: 'embed' }).at(-1)?.id ?? null;
		const byModel = new Map<string, ModelItem>();
		for (const version of registry.listVersions()) {
			const { active, previous } = aliases[version.task];
			const item: VersionItem = {
				version,
				number: registry.versionNumber(version),
				isActive: active === version.id,
				isPrevious: previous === version.id,
				isStale: isStale(version, embedder)
			};
			const model = byModel.get(version.model);
			if (model) model.versions.unshift(item);
			else byModel.set(version.model, { ...version, versions: [item] });
		}
		this.aliases = aliases;
		this.models = [...byModel.values()].map(({ model, name, task, versions }) => ({
			model,
			name,
			task,
			versions: versions.sort((a, b) => b.number - a.number)
		}));
	}
}
