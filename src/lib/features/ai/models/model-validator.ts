import { readEmbedderBundle } from '$sync/ai/model-bundle';
import { parseLabels, type ModelUpload, type ValidatedModel } from '$sync/ai/model-check';
import type { ModelValidator } from './add-model.svelte';

/**
 * The Add model dialog's checks over the validator: `validate` runs every check of an upload,
 * the timed sample run last (on the device: the AI worker's `validateModel`).
 */
export function modelValidator(
	validate: (upload: ModelUpload) => Promise<ValidatedModel>
): ModelValidator {
	return {
		parseLabels,
		async checkHead(onnx, labels, embedderDims) {
			const checked = await validate({ task: 'tag', onnx, labels, embedderDims });
			return { signature: checked.signature, dims: [checked.dims] };
		},
		async checkEmbedder(files) {
			const bundle = readEmbedderBundle(files);
			const checked = await validate({ task: 'embed', bundle });
			return {
				signature: checked.signature,
				dims: [checked.dims],
				onnxPath: bundle.onnxPath,
				files: { ...bundle.files, [bundle.onnxPath]: bundle.onnx }
			};
		}
	};
}
