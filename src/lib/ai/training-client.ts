import type {
	TrainingMessage,
	TrainingProgress,
	TrainingRequest,
	TrainingResult
} from './training-job';
import { TrainingError } from './training/train-head';
import { WorkerJobError, type WorkerFactory } from './worker-connection';

export type { TrainingProgress, TrainingRequest, TrainingResult };

const startTrainingWorker: WorkerFactory = () =>
	new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });

/**
 * Trains tag heads, each in a worker of its own that ends with the training: a cancel
 * terminates it at once, wherever it was.
 */
export class TrainingClient {
	constructor(private readonly createWorker: WorkerFactory = startTrainingWorker) {}

	/**
	 * Rejects with TrainingError 'aborted' on a cancel. `request.x` and `request.y` are moved to
	 * the worker (their buffers are detached here): 50,000 vectors are not copied.
	 */
	train(
		request: TrainingRequest,
		onProgress: (progress: TrainingProgress) => void,
		signal?: AbortSignal
	): Promise<TrainingResult> {
		if (signal?.aborted) return Promise.reject(cancelled());
		const worker = this.createWorker();
		return new Promise<TrainingResult>((resolve, reject) => {
			const finish = () => {
				signal?.removeEventListener('abort', abort);
				worker.terminate();
			};
			const abort = () => {
				finish();
				reject(cancelled());
			};
			signal?.addEventListener('abort', abort, { once: true });
			worker.onmessage = ({ data }: MessageEvent<TrainingMessage>) => {
				if (data.type === 'epoch') return onProgress(data);
				finish();
				if (data.type === 'trained') resolve(data.result);
				else reject(failure(data.message, data.code));
			};
			worker.onerror = (event) => {
				finish();
				reject(new WorkerJobError(event.message || 'The training worker failed.'));
			};
			worker.postMessage(request, [request.x.buffer, request.y.buffer] as ArrayBuffer[]);
		});
	}
}

function cancelled(): TrainingError {
	return new TrainingError('aborted', 'Training was cancelled');
}

function failure(message: string, code: string | undefined): Error {
	return code === 'aborted' || code === 'shape'
		? new TrainingError(code, message)
		: new WorkerJobError(message);
}
