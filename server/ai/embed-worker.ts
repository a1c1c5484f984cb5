import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { padBatch, parseVocabulary, tokenize, type Vocabulary } from '../../sync/ai/tokenizer';
import {
	preciseNow,
	type EmbedJob,
	type EmbedJobResult,
	type EmbedWorkerData
} from './worker-messages';

// One inference thread: loads each static embedder once, then runs one job at a time. ORT's
// Node binding runs a session synchronously, which is why this lives off the main thread.

interface LoadedModel {
	session: InferenceSession;
	vocab: Vocabulary;
	dims: number;
}

async function load(modelFile: string, vocabFile: string): Promise<LoadedModel> {
	const session = await InferenceSession.create(readFileSync(modelFile), {
		executionProviders: ['cpu'],
		// One thread per worker: the pool, not ORT, decides how many cores inference may use.
		intraOpNumThreads: 1,
		interOpNumThreads: 1,
		executionMode: 'sequential'
	});
	const probe = await session.run({ input_ids: new Tensor('int32', new Int32Array(1), [1, 1]) });
	return {
		session,
		vocab: parseVocabulary(readFileSync(vocabFile, 'utf8')),
		dims: probe.embeddings.dims[1]
	};
}

const { models: files } = workerData as EmbedWorkerData;
const models = new Map(
	files.map((file) => [file.id, load(file.modelFile, file.vocabFile)] as const)
);
// A failed load is reported by the job that needs the model, not as an unhandled rejection.
for (const model of models.values()) model.catch(() => {});

async function embed(job: EmbedJob): Promise<EmbedJobResult> {
	const loading = models.get(job.model);
	if (!loading) throw new Error(`This worker has no model ${job.model}`);
	const model = await loading;
	const startedAt = preciseNow();
	const rows = job.texts.map((text) => tokenize(text, model.vocab));
	const { ids, length } = padBatch(rows);
	const output = await model.session.run({
		input_ids: new Tensor('int32', ids, [rows.length, length])
	});
	return {
		type: 'done',
		jobId: job.jobId,
		dims: model.dims,
		// A copy owned by JavaScript: the tensor's memory belongs to ORT.
		vectors: new Float32Array(output.embeddings.data as Float32Array),
		tokens: rows.reduce((sum, row) => sum + row.length, 0),
		startedAt,
		runMs: preciseNow() - startedAt
	};
}

parentPort!.on('message', (job: EmbedJob) => {
	void embed(job)
		.catch((error: unknown): EmbedJobResult => ({
			type: 'failed',
			jobId: job.jobId,
			message: error instanceof Error ? error.message : String(error)
		}))
		.then((result) =>
			parentPort!.postMessage(result, result.type === 'done' ? [result.vectors.buffer] : [])
		);
});
