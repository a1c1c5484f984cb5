import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { StaticModel } from './static-models';
import type { EmbedWorkerData } from './worker-messages';

// The bundle has dist/server/embed-worker.js beside main.js (scripts/build-server.mjs); from
// source (vitest, tsx) this module sits beside embed-worker.ts.
const BUNDLED = new URL('./embed-worker.js', import.meta.url);
const SOURCE = new URL('./embed-worker.ts', import.meta.url);

/** A worker's JavaScript heap is capped so a runaway job ends the worker, not the server. */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 256 };

/** A worker that loads the given models once and then embeds on request. */
export function spawnEmbedWorker(models: readonly StaticModel[]): Worker {
	const workerData: EmbedWorkerData = {
		models: models.map(({ id, modelFile, vocabFile }) => ({ id, modelFile, vocabFile }))
	};
	if (existsSync(fileURLToPath(BUNDLED))) {
		return new Worker(BUNDLED, { workerData, resourceLimits: RESOURCE_LIMITS });
	}
	if (!existsSync(fileURLToPath(SOURCE))) {
		throw new Error(`No embed worker beside ${fileURLToPath(import.meta.url)}: rebuild the server`);
	}
	// Node 20 applies neither `--import tsx` in a worker's execArgv nor tsx's loader imported in
	// a worker (it only registers itself on the main thread), so the worker calls tsx's register().
	const tsx = import.meta.resolve('tsx/esm/api');
	const bootstrap = `import(${JSON.stringify(tsx)})
		.then((tsx) => tsx.register())
		.then(() => import(${JSON.stringify(SOURCE.href)}));`;
	return new Worker(bootstrap, { eval: true, workerData, resourceLimits: RESOURCE_LIMITS });
}
