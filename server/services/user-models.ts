import { readFile } from 'node:fs/promises';
import type * as Y from 'yjs';
import {
	getVersion,
	listVersions,
	type ModelTask,
	type ModelVersion
} from '../../sync/doc/model-versions';
import type { ModelProbe } from '../../sync/ai/model-check';
import type { Artifact } from '../ai/runner-messages';
import type { ServedEmbedder } from '../ai/static-models';
import { ModelValidations } from './model-validations';
import { deviceOnly, notOnServer, RunRefusedError, tooLarge, wrongTask } from './run-refusal';
import {
	builtinEmbedder,
	UploadedEmbedders,
	type LocalFile,
	type ResolvedEmbedder
} from './uploaded-embedders';

/** What a request runs, once it is known to be the caller's own and fit to run here. */
export type RunTarget = { model: string; version: string } & ResolvedEmbedder &
	({ task: 'embed' } | { task: 'tag'; head: Artifact; labels: string[] });

export interface UserModelSources {
	embedders: ReadonlyMap<string, ServedEmbedder>;
	/** The user's root document as stored (their registry), or null before their first sync. */
	rootDoc(userId: string): Y.Doc | null;
	/** The user's blob: its file and size; null when they have no such blob. */
	localFile: LocalFile;
	/** The shared validator's sample run (a process of its own on the server). */
	probe: ModelProbe;
	maxModelBytes: number;
}

/**
 * Turns a request's model version into what the runners run: the built-in embedder, a user's
 * uploaded transformer embedder, or a tag head over either. A version is looked up in the
 * caller's own registry and its files in the caller's own blob store, so another user's version
 * id or sha256 is simply not found: the answer is the same whether or not anyone has it. A
 * user's files run only once they passed the validator the device uses.
 */
export class UserModels {
	readonly #validations: ModelValidations;
	readonly #uploaded: UploadedEmbedders;

	constructor(private readonly sources: UserModelSources) {
		this.#validations = new ModelValidations(sources.probe, sources.maxModelBytes);
		this.#uploaded = new UploadedEmbedders(
			sources.localFile,
			this.#validations,
			sources.maxModelBytes
		);
	}

	async resolve(userId: string, versionId: string, task: ModelTask): Promise<RunTarget> {
		const builtin = this.sources.embedders.get(versionId);
		if (builtin) {
			if (task !== 'embed') throw wrongTask(versionId, 'embed');
			return { task, model: builtin.id, version: builtin.version, ...builtinEmbedder(builtin) };
		}
		const doc = this.sources.rootDoc(userId);
		const version = doc && getVersion(doc, versionId);
		if (!version) throw new RunRefusedError('not_found', `You have no model version ${versionId}.`);
		if (version.task !== task) throw wrongTask(versionId, version.task);
		if (version.task === 'embed') {
			const embedder = await this.#embedder(userId, version);
			return { task: 'embed', model: version.model, version: version.id, ...embedder };
		}
		const embedder = await this.#headEmbedder(userId, doc, version);
		const head = await this.#head(userId, version, embedder.dims);
		return {
			task,
			model: version.model,
			version: version.id,
			...embedder,
			isBuiltin: false,
			head,
			labels: version.labels!
		};
	}

	/** The embedder a head reads: the built-in it names, or the user's newest of that model. */
	#headEmbedder(userId: string, doc: Y.Doc, head: ModelVersion): Promise<ResolvedEmbedder> {
		const builtin = head.embedder && this.sources.embedders.get(head.embedder);
		if (builtin) return Promise.resolve(builtinEmbedder(builtin));
		const uploaded = listVersions(doc, { model: head.embedder, task: 'embed' }).at(-1);
		if (!uploaded) throw deviceOnly(head, `its embedder ${head.embedder} is not in your registry`);
		return this.#embedder(userId, uploaded);
	}

	/** An embed version: the built-in it stands for, or the user's uploaded bundle. */
	async #embedder(userId: string, version: ModelVersion): Promise<ResolvedEmbedder> {
		const builtin = version.source === 'builtin' && this.sources.embedders.get(version.model);
		if (builtin) return builtinEmbedder(builtin);
		if (version.format !== 'transformers' || !version.sha256) {
			throw deviceOnly(version, 'the server runs the built-in and uploaded transformer embedders');
		}
		return this.#uploaded.resolve(userId, version);
	}

	async #head(userId: string, version: ModelVersion, embedderDims: number): Promise<Artifact> {
		const file = version.sha256 && this.sources.localFile(userId, version.sha256);
		if (!file) throw notOnServer(version);
		if (file.blob.size > this.sources.maxModelBytes) {
			throw tooLarge(this.sources.maxModelBytes, file.blob.size);
		}
		const artifact = { sha256: version.sha256!, path: file.path };
		const labels = version.labels!;
		await this.#validations.check([artifact.sha256, embedderDims, labels], async () => ({
			task: 'tag',
			onnx: await readFile(artifact.path),
			labels,
			embedderDims
		}));
		return artifact;
	}
}
