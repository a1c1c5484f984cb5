import * as v from 'valibot';
import type { Runtimes } from './backend';
import { loadHeadModel } from './head-model';
import { BytesSchema, FloatsSchema } from './protocol';
import { runTraining, type TrainingRun } from './training/run-training';

/** One row per example: vectors row-major (n × dims), labels one byte per (example, label). */
export const TrainingRequestSchema = v.object({
	x: FloatsSchema,
	y: BytesSchema,
	n: v.pipe(v.number(), v.integer(), v.minValue(1)),
	dims: v.pipe(v.number(), v.integer(), v.minValue(1)),
	labels: v.pipe(v.array(v.string()), v.minLength(1)),
	/** Per example: held out for evaluation (isHeldOut of its thought id). */
	heldOut: v.array(v.boolean()),
	seed: v.number(),
	/** Passes over the train split; by default enough for about 1,500 optimiser steps. */
	epochs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
	/** The active tagger over the same embedder, scored on the same held-out thoughts. */
	active: v.nullable(v.object({ bytes: BytesSchema, labels: v.array(v.string()) }))
});
export type TrainingRequest = v.InferOutput<typeof TrainingRequestSchema>;

export interface TrainingProgress {
	epoch: number;
	epochs: number;
	loss: number;
}

/** The head as ONNX, its metrics, and how many examples trained it and were held out. */
export type TrainingResult = Omit<TrainingRun, 'head'>;

/** What the training worker tells the page: each epoch's loss, then the result or why not. */
export type TrainingMessage =
	| ({ type: 'epoch' } & TrainingProgress)
	| { type: 'trained'; result: TrainingResult }
	| { type: 'failed'; message: string; code?: string };

/**
 * The training worker's message handler: one request, then one answer (an epoch message per
 * pass before it). The active tagger runs on onnxruntime-web, as suggestions run it, so an
 * uploaded head of any graph is scored too.
 */
export function serveTraining(
	runtimes: Runtimes,
	post: (message: TrainingMessage, transfer?: Transferable[]) => void
): (message: unknown) => Promise<void> {
	const scoreActive = async (bytes: Uint8Array, x: Float32Array, n: number, labels: number) => {
		const head = await loadHeadModel(bytes, labels, 'wasm', runtimes);
		try {
			return await head.score(x, n);
		} finally {
			await head.release();
		}
	};
	return async (message) => {
		const parsed = v.safeParse(TrainingRequestSchema, message);
		if (!parsed.success) {
			post({ type: 'failed', message: `Not a training job: ${v.summarize(parsed.issues)}` });
			return;
		}
		const request = parsed.output;
		try {
			const run = await runTraining(request, {
				onEpoch: (epoch, epochs, loss) => post({ type: 'epoch', epoch, epochs, loss }),
				scoreActive: (bytes, x, n) => scoreActive(bytes, x, n, request.active?.labels.length ?? 0)
			});
			// The weights stay here: the page gets them as ONNX.
			const result: TrainingResult = {
				bytes: run.bytes,
				metrics: run.metrics,
				train: run.train,
				heldOut: run.heldOut
			};
			post({ type: 'trained', result }, [result.bytes.buffer as ArrayBuffer]);
		} catch (error) {
			const code = (error as { code?: unknown } | null)?.code;
			post({
				type: 'failed',
				message: error instanceof Error ? error.message : String(error),
				code: typeof code === 'string' ? code : undefined
			});
		}
	};
}
