import * as v from 'valibot';
import {
	ModelCheckError,
	type ModelLimits,
	type ModelUpload,
	type ValidatedModel
} from '$sync/ai/model-check';
import type { ExecutionBackend, Runtimes } from './backend';
import { loadHeadModel, type HeadModel } from './head-model';
import type {
	HeadRef,
	LoadProgress,
	ModelFiles,
	ModelRef,
	WorkerJobStats,
	WorkerRequest,
	WorkerResponse
} from './protocol';
import { WorkerRequestSchema } from './protocol';
import { loadStaticModel, type LoadedModel } from './static-model';

/** What the jobs run on; the worker passes the browser's, tests pass Node's. */
export interface JobDeps {
	runtimes: Runtimes;
	/** The built-in's files, from the app's origin. */
	fetchStaticFiles(location: string): Promise<ModelFiles>;
	/** A transformers.js model by name, from the cache, this origin or (with consent) the hub. */
	loadTransformers(
		ref: ModelRef,
		onProgress: (loaded: number, total: number) => void
	): Promise<LoadedModel>;
	/** A person's own transformers-layout embedder, from its files' bytes (no network). */
	loadBundle(ref: ModelRef, files: ModelFiles): Promise<LoadedModel>;
	/** Every check of an upload, the timed sample run last; throws ModelCheckError. */
	validate(upload: ModelUpload, limits: ModelLimits): Promise<ValidatedModel>;
}

type Request<T extends WorkerRequest['type']> = Extract<WorkerRequest, { type: T }>;
export type JobResult = { response: WorkerResponse; transfer: Transferable[] };

/** Heads stay open by version id; a few, since each training adds a version. */
const OPEN_HEADS = 4;

/**
 * The AI worker's jobs: embed texts, score vectors with a tag head, validate an upload. Models
 * load once per id, version and chosen backend; a failed load is not kept, so it may succeed
 * later (back online, files sent).
 */
export function aiJobs(deps: JobDeps, progress: (message: LoadProgress) => void) {
	const models = new Map<string, Promise<LoadedModel>>();
	const heads = new Map<string, Promise<HeadModel>>();

	function modelFor(ref: ModelRef, files: ModelFiles | undefined): Promise<LoadedModel> {
		const key = `${ref.id}@${ref.version}@${ref.backend ?? 'wasm'}`;
		let model = models.get(key);
		if (!model) {
			model = loadModel(ref, files);
			models.set(key, model);
			model.catch(() => models.delete(key));
		}
		return model;
	}

	async function loadModel(ref: ModelRef, files: ModelFiles | undefined): Promise<LoadedModel> {
		const backend = ref.backend ?? 'wasm';
		if (ref.files) {
			if (!files) throw new Error(`The files of ${ref.id} were not sent to the AI worker.`);
			return ref.kind === 'transformers'
				? deps.loadBundle(ref, files)
				: loadStaticModel(files, backend, deps.runtimes);
		}
		if (ref.kind === 'static')
			return loadStaticModel(await deps.fetchStaticFiles(ref.location), backend, deps.runtimes);
		return deps.loadTransformers(ref, (loaded, total) =>
			progress({ type: 'progress', model: ref.id, loaded, total })
		);
	}

	function headFor(head: HeadRef): Promise<HeadModel> {
		const backend = head.backend ?? 'wasm';
		const key = `${head.versionId}@${backend}`;
		let model = heads.get(key);
		if (!model) {
			model = loadHeadModel(head.bytes, head.labels.length, backend, deps.runtimes);
			heads.set(key, model);
			model.catch(() => heads.delete(key));
			for (const [oldKey, old] of [...heads].slice(0, -OPEN_HEADS)) {
				heads.delete(oldKey);
				void old.then((open) => open.release()).catch(() => undefined);
			}
		}
		return model;
	}

	async function embed(request: Request<'embed'>): Promise<JobResult> {
		const started = now();
		const model = await modelFor(request.model, request.files);
		const runStart = performance.now();
		const { vectors, tokens } = await model.run(request.texts);
		const stats = timed(request, started, runStart, {
			...ranOn(request.model.backend, model),
			batch: request.texts.length,
			inputChars: request.texts.reduce((sum, text) => sum + text.length, 0),
			inputTokens: tokens
		});
		const response: WorkerResponse = {
			type: 'embedded',
			jobId: request.jobId,
			dims: model.dims,
			vectors,
			stats
		};
		return { response, transfer: [vectors.buffer as ArrayBuffer] };
	}

	async function score(request: Request<'score'>): Promise<JobResult> {
		const started = now();
		const head = await headFor(request.head);
		const runStart = performance.now();
		const scores = await head.score(request.vectors, request.count);
		const stats = timed(request, started, runStart, {
			...ranOn(request.head.backend, head),
			batch: request.count,
			inputChars: 0,
			inputTokens: 0
		});
		const response: WorkerResponse = {
			type: 'scored',
			jobId: request.jobId,
			labels: head.labels,
			scores,
			stats
		};
		return { response, transfer: [scores.buffer as ArrayBuffer] };
	}

	async function validate(request: Request<'validate'>): Promise<JobResult> {
		const model = await deps.validate(request.upload, request.limits);
		const stats: WorkerJobStats = {
			backend: 'wasm',
			batch: 1,
			inputChars: 0,
			inputTokens: 0,
			queueMs: 0,
			runMs: model.probeMs
		};
		// The checked bytes go back moved, not copied: up to 64 MiB of them.
		const { onnx, bundle } = model;
		const bytes = [onnx, ...(bundle ? [bundle.onnx, ...Object.values(bundle.files)] : [])];
		const transfer = [...new Set(bytes.map((file) => file.buffer as ArrayBuffer))];
		return { response: { type: 'validated', jobId: request.jobId, model, stats }, transfer };
	}

	return async function run(request: WorkerRequest): Promise<JobResult> {
		switch (request.type) {
			case 'embed':
				return embed(request);
			case 'score':
				return score(request);
			case 'validate':
				return validate(request);
			case 'load':
				await modelFor(request.model, request.files);
				return { response: { type: 'loaded', jobId: request.jobId }, transfer: [] };
		}
	};
}

export type Post = (response: WorkerResponse, transfer?: Transferable[]) => void;

/**
 * The AI worker's message handler: checks each request, runs one job at a time in arrival
 * order, and answers every job, a failed one with why (and the model check that refused it).
 */
export function serveAiJobs(deps: JobDeps, post: Post): (message: unknown) => void {
	const run = aiJobs(deps, (progress) => post(progress));
	let queue = Promise.resolve();
	return (message) => {
		queue = queue.then(async () => {
			const parsed = v.safeParse(WorkerRequestSchema, message);
			if (!parsed.success) {
				console.error('The AI worker got a request it does not know', v.summarize(parsed.issues));
				const jobId = (message as { jobId?: unknown } | null)?.jobId;
				if (typeof jobId === 'number')
					post({ type: 'failed', jobId, message: 'The AI worker could not read the job.' });
				return;
			}
			const { jobId } = parsed.output;
			try {
				const { response, transfer } = await run(parsed.output);
				post(response, transfer);
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				const check = error instanceof ModelCheckError ? error.check : undefined;
				post({ type: 'failed', jobId, message, check });
			}
		});
	};
}

/** The backend that ran, and why it is not the one the version asked for. */
function ranOn(
	asked: ExecutionBackend | undefined,
	model: { backend?: ExecutionBackend; fallback?: string }
): Pick<WorkerJobStats, 'backend' | 'fallback'> {
	const backend = model.backend ?? 'wasm';
	if (asked !== 'webgpu' || backend === 'webgpu') return { backend };
	return {
		backend,
		fallback: model.fallback ?? 'Models in the transformers.js layout run on wasm here.'
	};
}

/** A job's stats with its queue time (since the page queued it) and run time added. */
function timed(
	request: { queuedAt: number },
	started: number,
	runStart: number,
	stats: Omit<WorkerJobStats, 'queueMs' | 'runMs'>
): WorkerJobStats {
	return { ...stats, queueMs: started - request.queuedAt, runMs: performance.now() - runStart };
}

function now(): number {
	return performance.timeOrigin + performance.now();
}
