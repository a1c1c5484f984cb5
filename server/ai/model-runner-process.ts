import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { runtimeReason } from '../../sync/ai/onnx-probe';
import { padBatch, parseVocabulary, tokenize, type Vocabulary } from '../../sync/ai/tokenizer';
import { ByteLru } from './byte-lru';
import { loadBatchEncoder, meanPooledUnit, type BatchEncoder } from './transformer-text';
import {
	preciseNow,
	type Artifact,
	type CacheCounts,
	type BundleFiles,
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

/** A user's model as loaded: its session, and for an uploaded embedder its tokenizer. */
interface UserModel {
	session: InferenceSession;
	encoder?: BatchEncoder;
}

const userModels = new ByteLru<Promise<UserModel>>(setup.cacheBytes, (model) => {
	void model.then((loaded) => loaded.session.release()).catch(() => {});
});

/** A user's file, which must still hash to its name. */
function readArtifact(artifact: Artifact): Buffer {
	const bytes = readFileSync(artifact.path);
	if (createHash('sha256').update(bytes).digest('hex') !== artifact.sha256) {
		throw new Error('The stored model file does not match its sha256; upload it again.');
	}
	return bytes;
}

/** A user's model from the cache, or loaded from its files (their bytes count against it). */
async function userModel(
	onnx: Artifact,
	cache: CacheCounts,
	bundle?: BundleFiles
): Promise<UserModel> {
	const cached = userModels.get(onnx.sha256);
	if (cached) {
		cache.hit = 1;
		return cached;
	}
	cache.miss = 1;
	const bytes = readArtifact(onnx);
	const tokenizer = bundle && readArtifact(bundle.tokenizer);
	const config = bundle?.tokenizerConfig ? readArtifact(bundle.tokenizerConfig) : null;
	const loading = InferenceSession.create(bytes, SESSION_OPTIONS).then((session) => ({
		session,
		encoder:
			tokenizer && loadBatchEncoder(tokenizer.toString('utf8'), config?.toString('utf8') ?? null)
	}));
	const size = bytes.length + (tokenizer?.length ?? 0);
	cache.eviction = userModels.set(onnx.sha256, loading, size) || undefined;
	try {
		const model = await loading;
		cache.load = 1;
		return model;
	} catch (error) {
		userModels.delete(onnx.sha256);
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

/** `[texts, dims]` vectors from a built-in embedder, and the tokens it read. */
async function embedBuiltin(id: string, texts: string[]) {
	const loading = builtins.get(id);
	if (!loading) throw new Error(`This server runs no embedder ${id}`);
	const embedder = await loading;
	const rows = texts.map((text) => tokenize(text, embedder.vocab));
	const { ids, length } = padBatch(rows);
	const embedded = await embedder.session.run({
		input_ids: new Tensor('int32', ids, [rows.length, length])
	});
	return { output: embedded.embeddings, tokens: rows.reduce((sum, row) => sum + row.length, 0) };
}

/** `[texts, dims]` vectors from an uploaded transformer embedder, pooled as on the device. */
async function embedBundle(bundle: BundleFiles, texts: string[], cache: CacheCounts) {
	const { session, encoder } = await userModel(bundle.onnx, cache, bundle);
	const batch = encoder!.encode(texts);
	const shape = [texts.length, batch.length];
	const inputs: Record<string, BigInt64Array> = {
		input_ids: batch.ids,
		attention_mask: batch.mask,
		token_type_ids: batch.types
	};
	const feeds = Object.fromEntries(
		session.inputNames.map((name) => [name, new Tensor('int64', inputs[name], shape)])
	);
	const results = await session.run(feeds);
	const hidden = results.last_hidden_state ?? results[session.outputNames[0]];
	if (hidden.type !== 'float32' || hidden.dims.length !== 3) {
		return { output: hidden, tokens: batch.tokens };
	}
	checkOutputSize(hidden.dims);
	const pooled = meanPooledUnit(hidden.data as Float32Array, hidden.dims, batch.mask);
	return {
		output: new Tensor('float32', pooled, [hidden.dims[0], hidden.dims[2]]),
		tokens: batch.tokens
	};
}

async function run(job: RunJob, cache: CacheCounts): Promise<RunResult> {
	const startedAt = preciseNow();
	const { embedder } = job;
	const embedded =
		'builtin' in embedder
			? await embedBuiltin(embedder.builtin, job.texts)
			: await embedBundle(embedder.bundle, job.texts, cache);
	let output = embedded.output;
	if (job.task === 'tag') {
		const { session } = await userModel(job.head, cache);
		output = (await session.run({ [session.inputNames[0]]: output }))[session.outputNames[0]];
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
		tokens: embedded.tokens,
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
