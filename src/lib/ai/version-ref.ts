import type { ModelVersion } from '$sync/doc/model-versions';
import type { ModelRef } from './protocol';
import { STATIC_MODEL_FILES } from './static-model';

/** Where an uploaded transformers embedder's ONNX file is served from (bundle-model.ts). */
export const BUNDLE_ONNX_PATH = 'onnx/model.onnx';

/**
 * The worker's reference to a person's own embedder: its files by path and sha256, read from
 * the device blob store by AiClient's `modelFiles`. Null for a version the app or the hub
 * serves (no artifact of its own).
 */
export function uploadedModelRef(version: ModelVersion): ModelRef | null {
	const { sha256, files = {} } = version;
	if (version.task !== 'embed' || !sha256) return null;
	const onnxPath = version.format === 'static' ? STATIC_MODEL_FILES.graph : BUNDLE_ONNX_PATH;
	// The ONNX file may be listed among the files already, under the path it was uploaded at.
	const hasOnnx = Object.values(files).includes(sha256);
	return {
		id: version.model,
		version: version.id,
		kind: version.format === 'static' ? 'static' : 'transformers',
		location: '',
		files: hasOnnx ? files : { ...files, [onnxPath]: sha256 },
		backend: version.backend
	};
}
