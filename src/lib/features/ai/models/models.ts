import { AiClient } from '$lib/ai/ai-client';
import { embeddersFor, type Embedders } from '$lib/ai/embedders.svelte';
import { BUILTIN_EMBEDDER } from '$lib/ai/models';
import { TrainingClient } from '$lib/ai/training-client';
import { buildDataset } from '$lib/ai/training/dataset';
import { shouldPromote } from '$lib/ai/training/promotion';
import { isHeldOut } from '$lib/ai/training/split';
import { embedWithoutTags } from '$lib/ai/training/tagless-text';
import { deviceBlobsFor } from '$lib/app/device-blobs';
import { describeDevice } from '$lib/app/device-name';
import { handleError } from '$lib/app/handle-error';
import { notices } from '$lib/app/notices.svelte';
import { perReplica } from '$lib/app/per-replica';
import type { Replica } from '$lib/replica/replica';
import { downloadFile } from '$lib/ui/download';
import { activeTaggerFor } from './active-tagger-for';
import type { ActiveTagger } from './active-tagger.svelte';
import { AddModel } from './add-model.svelte';
import { modelValidator } from './model-validator';
import { ModelVersions } from './model-versions.svelte';
import type { ModelTask, ModelVersion, RunBackend, VersionRegistry } from './ports';
import { retrainStaleHeads } from './stale-heads';
import { TagTraining, TrainingError } from './tag-training.svelte';

/**
 * The Models screen's state for one replica, wired to the real registry, blob store and
 * workers: every intent the screen offers, with failures sent to the one error funnel.
 */
export class Models {
	readonly versions: ModelVersions;
	readonly training: TagTraining;
	readonly adding: AddModel;
	readonly tagger: ActiveTagger;
	#ai: AiClient | null = null;

	constructor(
		replica: Replica,
		private readonly embedders: Embedders = embeddersFor(replica)
	) {
		const registry: VersionRegistry = replica.models;
		const blobs = deviceBlobsFor(replica);
		const activeEmbedder = () => embedders.activeId;
		const device = () => describeDevice(navigator.userAgent);
		const ai = () => (this.#ai ??= new AiClient((entry) => replica.view.inferences.add(entry)));
		this.versions = new ModelVersions({ registry, blobs, activeEmbedder });
		this.tagger = activeTaggerFor(replica);
		this.training = new TagTraining({
			registry,
			blobs,
			trainer: new TrainingClient(),
			tools: { buildDataset, isHeldOut, shouldPromote },
			activeEmbedder,
			device,
			examples: async () => {
				// Not the stored vectors: they are of the text with its tags, which a thought being
				// written lacks. Only tagged thoughts can be examples (tools.buildDataset).
				const index = embedders.active;
				const rows = (await replica.view.thoughts.toArray()).filter((row) => row.tags.length);
				return {
					rows: rows.map(({ id, hash, tags }) => ({ id, hash, tags })),
					vectors: await embedWithoutTags(rows, (texts) => index.embedTexts(texts))
				};
			}
		});
		this.adding = new AddModel({
			registry,
			blobs,
			validator: modelValidator((upload) => ai().validateModel(upload)),
			device,
			activeEmbedder: () => {
				const entry = embedders.models.find((model) => model.id === embedders.activeId);
				return { id: embedders.activeId, dims: entry?.dims ?? BUILTIN_EMBEDDER.dims };
			}
		});
		if (!replica.isReadOnly) {
			retrainStaleHeads({
				registry,
				training: this.training,
				activeEmbedder,
				onError: (error) => {
					if (!(error instanceof TrainingError))
						handleError(error, 'Could not retrain your tag model');
				}
			});
		}
	}

	async train(): Promise<void> {
		try {
			const { version, isPromoted } = await this.training.train();
			const f1 = `${Math.round((version.metrics?.heldOut.microF1 ?? 0) * 100)}%`;
			notices.show(
				'info',
				isPromoted
					? `Your new tag model (F1 ${f1}) now suggests tags.`
					: `The new tag model (F1 ${f1}) did not beat the current suggestions; it is kept as a candidate.`
			);
		} catch (error) {
			if (error instanceof TrainingError && error.code === 'cancelled') {
				notices.show('info', 'Training cancelled. Nothing was saved.');
				return;
			}
			handleError(error, 'Could not train a tag model');
		}
	}

	/** An embedder re-reads every thought before search moves over; a head moves at once. */
	async promote(version: ModelVersion): Promise<void> {
		try {
			const entry = this.embedders.models.find((model) => model.id === version.model);
			if (version.task === 'embed' && entry) await this.embedders.activate(entry);
			else this.versions.promote(version);
		} catch (error) {
			handleError(error, `Could not promote ${version.name}`);
		}
	}

	rollBack(task: ModelTask): void {
		try {
			this.versions.rollBack(task);
		} catch (error) {
			handleError(error, 'Could not roll back');
		}
	}

	async exportVersion(version: ModelVersion): Promise<void> {
		try {
			const { name, bytes } = await this.versions.exportFile(version);
			downloadFile(name, 'application/octet-stream', bytes);
		} catch (error) {
			handleError(error, `Could not export ${version.name}`);
		}
	}

	async exportDataset(version: ModelVersion): Promise<void> {
		try {
			const { name, bytes } = await this.versions.exportDataset(version);
			downloadFile(name, 'application/json', bytes);
		} catch (error) {
			handleError(error, `Could not export the data set of ${version.name}`);
		}
	}

	async remove(version: ModelVersion): Promise<void> {
		try {
			await this.versions.remove(version);
		} catch (error) {
			handleError(error, `Could not delete ${version.name}`);
		}
	}

	setBackend(version: ModelVersion, backend: RunBackend): void {
		try {
			this.versions.setBackend(version, backend);
		} catch (error) {
			handleError(error, `Could not change where ${version.name} runs`);
		}
	}
}

export const modelsFor = perReplica((replica) => new Models(replica));
