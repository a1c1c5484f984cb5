import { createHash } from 'node:crypto';
import {
	DEFAULT_MODEL_LIMITS,
	ModelCheckError,
	validateModel,
	type ModelProbe,
	type ModelUpload
} from '../../sync/ai/model-check';
import { ByteLru } from '../ai/byte-lru';
import { RunRefusedError } from './run-refusal';

/** Verdicts remembered, by what they checked. */
const VERDICTS_KEPT = 1_000;

/**
 * The shared validator (the one the device runs before it stores a model) over users' files on
 * the server, once per distinct input: the same bytes, dims and labels pass or fail again
 * without a second sample run. A failure to reach a verdict (a read, a probe that could not
 * start) is not remembered.
 */
export class ModelValidations {
	readonly #verdicts = new ByteLru<Promise<void>>(VERDICTS_KEPT);

	constructor(
		private readonly probe: ModelProbe,
		private readonly maxBytes: number
	) {}

	/** `identity`: what decides the verdict (shas, dims, labels); `upload` reads the files. */
	check(identity: unknown, upload: () => Promise<ModelUpload>): Promise<void> {
		const key = createHash('sha256').update(JSON.stringify(identity)).digest('hex');
		let verdict = this.#verdicts.get(key);
		if (!verdict) {
			const limits = { ...DEFAULT_MODEL_LIMITS, maxBytes: this.maxBytes };
			verdict = upload().then(async (model) => {
				await validateModel(model, this.probe, limits);
			});
			this.#verdicts.set(key, verdict, 1);
			verdict.catch((error: unknown) => {
				if (!(error instanceof ModelCheckError)) this.#verdicts.delete(key);
			});
		}
		return verdict.catch((error: unknown) => {
			const reason = error instanceof Error ? error.message : String(error);
			throw new RunRefusedError('invalid_model', `This model does not pass validation: ${reason}`);
		});
	}
}
