import { newVersionId } from '$sync/doc/model-versions';
import type { ArtifactStore, ModelTask, ModelVersion, TensorSig, VersionRegistry } from './ports';

/** A picked file: its path inside a picked folder, or just its name. */
export interface UploadedFile {
	path: string;
	bytes: Uint8Array;
}

/** What the validator found, once every check has passed. */
export interface CheckedModel {
	signature: { inputs: TensorSig[]; outputs: TensorSig[] };
	/** embed: the output dims; head: the input dims. */
	dims: number[];
}

export interface CheckedEmbedder extends CheckedModel {
	onnxPath: string;
	/** Every file of the bundle by relative path, the ONNX file too. */
	files: Record<string, Uint8Array>;
}

/** Each method throws an error whose `check` names the failed check (ModelCheckError). */
export interface ModelValidator {
	parseLabels(text: string): string[];
	checkHead(onnx: Uint8Array, labels: string[], embedderDims: number): Promise<CheckedModel>;
	/** A folder's files, or one .zip. */
	checkEmbedder(files: UploadedFile[]): Promise<CheckedEmbedder>;
}

export interface AddModelDeps {
	registry: VersionRegistry;
	blobs: ArtifactStore;
	validator: ModelValidator;
	activeEmbedder(): { id: string; dims: number };
	device(): string;
}

export interface ModelForm {
	task: ModelTask;
	files: UploadedFile[];
	/** A head's labels file: a JSON array, or one label per line. */
	labels?: UploadedFile;
}

/** Why an upload was turned down: the check that failed (null for anything else) and why. */
export interface AddModelError {
	check: string | null;
	message: string;
}

/** A model id from the picked file or folder's name: the same name adds a version to it. */
export function modelIdFor(files: UploadedFile[]): string {
	const name = (files[0]?.path ?? '').split('/')[0].replace(/\.(onnx|zip)$/i, '');
	const slug = name
		.toLowerCase()
		.replace(/[^a-z0-9._]+/g, '-')
		.replace(/^-+|-+$/g, '');
	return `user-${slug || 'model'}`.slice(0, 64).replace(/-+$/, '');
}

/**
 * Adds a person's own model: every check runs before anything is stored, so an upload that
 * fails one leaves no bytes and no version behind. It is added as a candidate: Promote makes
 * it active.
 */
export class AddModel {
	isChecking = $state(false);
	error = $state.raw<AddModelError | null>(null);

	constructor(private readonly deps: AddModelDeps) {}

	clear(): void {
		this.error = null;
	}

	/** The version added, or null when a check failed (`error` then says which and why). */
	async add(form: ModelForm): Promise<ModelVersion | null> {
		this.isChecking = true;
		this.error = null;
		try {
			const version =
				form.task === 'tag' ? await this.#addHead(form) : await this.#addEmbedder(form);
			this.deps.registry.addVersion(version);
			return version;
		} catch (error) {
			this.error = describe(error);
			return null;
		} finally {
			this.isChecking = false;
		}
	}

	async #addHead(form: ModelForm): Promise<ModelVersion> {
		const { validator, blobs } = this.deps;
		const onnx = form.files.find((file) => file.path.toLowerCase().endsWith('.onnx'));
		if (!onnx || !form.labels) throw new FormError('Pick the ONNX file and its labels file.');
		const labels = validator.parseLabels(new TextDecoder().decode(form.labels.bytes));
		const embedder = this.deps.activeEmbedder();
		const checked = await validator.checkHead(onnx.bytes, labels, embedder.dims);
		const sha256 = await blobs.put(onnx.bytes);
		return {
			...this.#base(form, checked),
			format: 'head',
			sha256,
			size: onnx.bytes.length,
			labels,
			embedder: embedder.id
		};
	}

	async #addEmbedder(form: ModelForm): Promise<ModelVersion> {
		if (form.files.length === 0) throw new FormError('Pick a model folder or a .zip file.');
		const checked = await this.deps.validator.checkEmbedder(form.files);
		// Every file, the ONNX one too: its path (the key of `sha256`) tells the loader where it goes.
		const files: Record<string, string> = {};
		let size = 0;
		for (const [path, bytes] of Object.entries(checked.files)) {
			files[path] = await this.deps.blobs.put(bytes);
			size += bytes.length;
		}
		const sha256 = files[checked.onnxPath];
		return { ...this.#base(form, checked), format: 'transformers', sha256, files, size };
	}

	#base(form: ModelForm, checked: CheckedModel) {
		const model = modelIdFor(form.files);
		return {
			id: newVersionId(model),
			model,
			name: (form.files[0]?.path ?? model).split('/')[0],
			task: form.task,
			source: 'user' as const,
			signature: checked.signature,
			dims: checked.dims,
			device: this.deps.device(),
			createdAt: Date.now()
		};
	}
}

/** The form itself is incomplete: no check ran. */
class FormError extends Error {}

function describe(error: unknown): AddModelError {
	const message = error instanceof Error ? error.message : String(error);
	const check =
		typeof error === 'object' &&
		error !== null &&
		'check' in error &&
		typeof error.check === 'string'
			? error.check
			: null;
	return { check, message };
}
