import * as v from 'valibot';

/**
 * The AI contract shared by the PWA and the server: what one embedding job reports, and the
 * server fallback `POST /api/ai/embed` for devices that cannot run the model themselves.
 */
export type Backend = 'wasm' | 'webgpu' | 'server' | 'typescript';

/** What one embedding job cost, wherever it ran; the inference log keeps one per job. */
export interface JobStats {
	backend: Backend;
	batch: number;
	/** UTF-16 code units, as `String#length` counts them. */
	inputChars: number;
	inputTokens: number;
	queueMs: number;
	runMs: number;
}

export const MAX_EMBED_TEXTS = 64;
export const MAX_EMBED_TEXT_CHARS = 4_000;
/** Bounds one job's work: 64 KiB of text in UTF-16 code units, over all texts. */
export const MAX_EMBED_TOTAL_CHARS = 64 * 1024;

const totalChars = (texts: readonly string[]) => texts.reduce((sum, text) => sum + text.length, 0);

export const EmbedRequestSchema = v.object(
	{
		model: v.pipe(
			v.string('Name the model with text.'),
			v.nonEmpty('Name the model.'),
			v.maxLength(100, 'No model has a name that long.')
		),
		texts: v.pipe(
			v.array(
				v.pipe(
					v.string('Each text must be a string.'),
					v.maxLength(MAX_EMBED_TEXT_CHARS, `Keep each text to ${MAX_EMBED_TEXT_CHARS} characters.`)
				),
				'Send texts as an array of strings.'
			),
			v.minLength(1, 'Send at least one text.'),
			v.maxLength(MAX_EMBED_TEXTS, `Send at most ${MAX_EMBED_TEXTS} texts at once.`),
			v.check(
				(texts) => totalChars(texts) <= MAX_EMBED_TOTAL_CHARS,
				`Send at most ${MAX_EMBED_TOTAL_CHARS} characters at once.`
			)
		)
	},
	'Send an object with model and texts.'
);
export type EmbedRequest = v.InferOutput<typeof EmbedRequestSchema>;

export interface EmbedResponse {
	model: string;
	version: string;
	dims: number;
	/** One unit vector (or all zeros when no word is known) per text, in request order. */
	vectors: number[][];
	stats: JobStats;
}
