/// <reference lib="webworker" />
import { wasmRuntimes } from './ort-runtimes';
import { serveTraining } from './training-job';

/**
 * Trains one tag head, then ends: the page starts one worker per training and cancels by
 * terminating it, so the AI worker (search, embedding, suggestions) never waits for training.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const serve = serveTraining(wasmRuntimes, (message, transfer = []) =>
	scope.postMessage(message, transfer)
);
scope.onmessage = (event) => void serve(event.data);
