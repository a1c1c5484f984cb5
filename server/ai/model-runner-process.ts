import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { runtimeReason } from '../../sync/ai/onnx-probe';
import { padBatch, parseVocabulary, tokenize, type Vocabulary } from '../../sync/ai/tokenizer';
import { ByteLru } from './byte-lru';
import {
	preciseNow,
	type Artifact,
	type CacheCounts,
	type RunJob,
	type RunnerMessage,
	type RunResult,
	type RunnerSetup
} from './runner-messages';

// One model runner: a process of its own, so a model that loops, throws or runs out of memory
// ends at most this process (the pool kills it on overrun; ending a worker thread inside an ORT
// run never completes). It loads the built-in embedders once, keeps recently used user models
// in a cache bounded in bytes, and runs one job at a time.

const SESSION_OPTIONS: InferenceSession.SessionOptions = {
	executionProviders: ['cpu'],
	// One thread per runner: the pool, not ORT, decides how many cores inference may use.
	intraOpNumThreads: 1,
	interOpNumThreads: 1,
	executionMode: 'sequential',
	// A user's graph's complaints go back to its owner with the failed job, not into the log.
	logSeverityLevel: 4
};

interface Embedder {
	session: InferenceSession;
	vocab: Vocabulary;
}

const setup = JSON.parse(process.argv[2]) as RunnerSetup;

async function loadEmbedder(modelFile: string, vocabFile: string): Promise<Embedder> {
	const session = await InferenceSession.create(readFileSync(modelFile), SESSION_OPTIONS);
	return { session, vocab: parseVocabulary(readFileSync(vocabFile, 'utf8')) };
}

const builtins = new Map(
	setup.builtins.map((file) => [file.id, loadEmbedder(file.modelFile, file.vocabFile)] as const)
);
// A failed load is reported by the job that needs the model, not as an unhandled rejection.
void Promise.allSettled(builtins.values()).then(() => send({ type: 'ready' }));

function send(message: RunnerMessage): void {
	process.send!(message);
}

const heads = new ByteLru<Promise<InferenceSession>>(setup.cacheBytes, (session) => {
	void session.then((loaded) => loaded.release()).catch(() => {});
});

/** The user's head, from the cache or from its file, which must still hash to its name. */
async function head(artifact: Artifact, cache: CacheCounts): Promise<InferenceSession> {
	const cached = heads.get(artifact.sha256);
	if (cached) {
		cache.hit = 1;
		return cached;
	}
	cache.miss = 1;
	const bytes = readFileSync(artifact.path);
	if (createHash('sha256').update(bytes).digest('hex') !== artifact.sha256) {
		throw new Error('The stored model file does not match its sha256; upload it again.');
	}
	const loading = InferenceSession.create(bytes, SESSION_OPTIONS);
	cache.eviction = heads.set(artifact.sha256, loading, bytes.length) || undefined;
	try {
		const session = await loading;
		cache.load = 1;
		return session;
	} catch (error) {
		heads.delete(artifact.sha256);
		throw error;
	}
}

function checkOutputSize(dims: readonly number[]): void {
	const values = dims.reduce((product, d) => product * d, 1);
	if (values > setup.maxOutputValues) {
		throw new Error(
			`The model's output has ${values} numbers; at most ${setup.maxOutputValues} are returned.`
		);
	}
}

async function run(job: RunJob, cache: CacheCounts): Promise<RunResult> {
	const loading = builtins.get(job.embedder);
	if (!loading) throw new Error(`This server runs no embedder ${job.embedder}`);
	const embedder = await loading;
	const startedAt = preciseNow();
	const rows = job.texts.map((text) => tokenize(text, embedder.vocab));
	const { ids, length } = padBatch(rows);
	const embedded = await embedder.session.run({
		input_ids: new Tensor('int32', ids, [rows.length, length])
	});
	let output = embedded.embeddings;
	if (job.task === 'tag') {
		const session = await head(job.head, cache);
		const results = await session.run({ [session.inputNames[0]]: output });
		output = results[session.outputNames[0]];
	}
	if (output.type !== 'float32' || output.dims.length !== 2) {
		throw new Error(`The model gave ${output.type} of shape [${output.dims.join(', ')}].`);
	}
	checkOutputSize(output.dims);
	return {
		type: 'done',
		jobId: job.jobId,
		dims: [output.dims[0], output.dims[1]],
		// A copy owned by JavaScript: the tensor's memory belongs to ORT.
		values: new Float32Array(output.data as Float32Array),
		tokens: rows.reduce((sum, row) => sum + row.length, 0),
		startedAt,
		runMs: preciseNow() - startedAt,
		cache
	};
}

process.on('message', (job: RunJob) => {
	const cache: CacheCounts = {};
	void run(job, cache)
		.catch((error: unknown): RunResult => ({
			type: 'failed',
			jobId: job.jobId,
			message: runtimeReason(error instanceof Error ? error.message : String(error)),
			cache
		}))
		.then(send);
});
