import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type * as Y from 'yjs';
import {
	DEFAULT_MODEL_LIMITS,
	ModelCheckError,
	validateModel,
	type ModelProbe
} from '../../sync/ai/model-check';
import { getVersion, type ModelTask, type ModelVersion } from '../../sync/doc/model-versions';
import { ByteLru } from '../ai/byte-lru';
import type { Artifact } from '../ai/runner-messages';
import type { ServedEmbedder } from '../ai/static-models';
import { formatBytes } from '../../sync/ai/model-check-error';

/** What a request runs, once it is known to be the caller's own and fit to run here. */
export type RunTarget = { model: string; version: string; embedder: ServedEmbedder } & (
	{ task: 'embed' } | { task: 'tag'; head: Artifact; labels: string[] }
);

export type RunRefusal = 'not_found' | 'unsupported' | 'invalid_model' | 'too_large' | 'wrong_task';

/** The request names nothing this server will run for this user; the route maps the code. */
export class RunRefusedError extends Error {
	constructor(
		readonly code: RunRefusal,
		message: string
	) {
		super(message);
	}
}

export interface UserModelSources {
	embedders: ReadonlyMap<string, ServedEmbedder>;
	/** The user's root document as stored (their registry), or null before their first sync. */
	rootDoc(userId: string): Y.Doc | null;
	/** The user's blob: its file and size; null when they have no such blob. */
	localFile(userId: string, sha256: string): { path: string; blob: { size: number } } | null;
	/** The shared validator's sample run (a process of its own on the server). */
	probe: ModelProbe;
	maxModelBytes: number;
}

/** Validations remembered, by what they checked: the same bytes, dims and labels pass again. */
const VALIDATIONS_KEPT = 1_000;

/**
 * Turns a request's model version into what the runners run. A version is looked up in the
 * caller's own registry and its file in the caller's own blob store, so another user's version
 * id or sha256 is simply not found: the answer is the same whether or not anyone has it. A
 * user's file runs only once it passed the same validator the device uses.
 */
export class UserModels {
	readonly #validations = new ByteLru<Promise<void>>(VALIDATIONS_KEPT);

	constructor(private readonly sources: UserModelSources) {}

	async resolve(userId: string, versionId: string, task: ModelTask): Promise<RunTarget> {
		const builtin = this.sources.embedders.get(versionId);
		if (builtin) {
			if (task !== 'embed') throw wrongTask(versionId, 'embed');
			return { task, model: builtin.id, version: builtin.version, embedder: builtin };
		}
		const doc = this.sources.rootDoc(userId);
		const version = doc && getVersion(doc, versionId);
		if (!version) throw new RunRefusedError('not_found', `You have no model version ${versionId}.`);
		if (version.task !== task) throw wrongTask(versionId, version.task);
		if (version.task === 'embed') {
			const served = version.source === 'builtin' && this.sources.embedders.get(version.model);
			if (!served) throw deviceOnly(version, 'the server runs only the built-in embedder');
			return { task: 'embed', model: served.id, version: served.version, embedder: served };
		}
		const embedder = version.embedder && this.sources.embedders.get(version.embedder);
		if (!embedder) throw deviceOnly(version, 'the server runs heads over the built-in embedder');
		const head = await this.#headArtifact(userId, version, embedder);
		return {
			task,
			model: version.model,
			version: version.id,
			embedder,
			head,
			labels: version.labels!
		};
	}

	async #headArtifact(
		userId: string,
		version: ModelVersion,
		embedder: ServedEmbedder
	): Promise<Artifact> {
		const file = version.sha256 && this.sources.localFile(userId, version.sha256);
		if (!file) {
			throw new RunRefusedError(
				'not_found',
				`The file of ${version.name} is not on the server yet; it uploads when the device that made it is online.`
			);
		}
		if (file.blob.size > this.sources.maxModelBytes) {
			throw new RunRefusedError(
				'too_large',
				`The server runs models of up to ${formatBytes(this.sources.maxModelBytes)}; this one has ${formatBytes(file.blob.size)}.`
			);
		}
		const artifact = { sha256: version.sha256!, path: file.path };
		await this.#validate(artifact, version.labels!, embedder.dims);
		return artifact;
	}

	#validate(artifact: Artifact, labels: string[], embedderDims: number): Promise<void> {
		const key = createHash('sha256')
			.update(JSON.stringify([artifact.sha256, embedderDims, labels]))
			.digest('hex');
		let validation = this.#validations.get(key);
		if (!validation) {
			validation = readFile(artifact.path).then(async (onnx) => {
				const limits = { ...DEFAULT_MODEL_LIMITS, maxBytes: this.sources.maxModelBytes };
				await validateModel(
					{ task: 'tag', onnx, labels, embedderDims },
					this.sources.probe,
					limits
				);
			});
			this.#validations.set(key, validation, 1);
			// A verdict on the bytes is kept; a failure to reach one (a read, a probe that could
			// not start) is tried again next time.
			validation.catch((error: unknown) => {
				if (!(error instanceof ModelCheckError)) this.#validations.delete(key);
			});
		}
		return validation.catch((error: unknown) => {
			throw new RunRefusedError(
				'invalid_model',
				`This model does not pass validation: ${error instanceof Error ? error.message : String(error)}`
			);
		});
	}
}

function wrongTask(versionId: string, task: ModelTask): RunRefusedError {
	return new RunRefusedError('wrong_task', `${versionId} is a model for the ${task} task.`);
}

function deviceOnly(version: ModelVersion, why: string): RunRefusedError {
	return new RunRefusedError('unsupported', `${version.name} runs on your devices only: ${why}.`);
}
