import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModelCheck, ModelProbe, ProbeResult } from '../../sync/ai/model-check';
import { ModelCheckError } from '../../sync/ai/model-check';

/** What the probe process sends back: the sample run's output, or the check that failed. */
export type ProbeReply =
	{ type: 'done'; result: ProbeResult } | { type: 'failed'; check: ModelCheck; message: string };

// The bundle has dist/server/model-probe-process.js beside main.js (scripts/build-server.mjs);
// from source (vitest, tsx) this module sits beside model-probe-process.ts.
const BUNDLED = fileURLToPath(new URL('./model-probe-process.js', import.meta.url));
const SOURCE = fileURLToPath(new URL('./model-probe-process.ts', import.meta.url));
/** A runaway graph's JavaScript heap is capped; its process, not the server, ends. */
const HEAP = '--max-old-space-size=256';

function spawnProbeProcess(): ChildProcess {
	// 'advanced' serialisation is structured clone: typed arrays cross as they are.
	const options = { serialization: 'advanced' as const, stdio: 'inherit' as const };
	if (existsSync(BUNDLED)) return fork(BUNDLED, [], { ...options, execArgv: [HEAP] });
	const tsx = import.meta.resolve('tsx');
	return fork(SOURCE, [], { ...options, execArgv: [HEAP, '--import', tsx] });
}

/**
 * The server's probe: onnxruntime-node's CPU runtime in a process of its own, killed when the
 * validator's time runs out (the signal aborts).
 */
export const probeOnServer: ModelProbe = (request, signal) =>
	new Promise((resolve, reject) => {
		const child = spawnProbeProcess();
		const kill = () => child.kill('SIGKILL');
		signal.addEventListener('abort', kill);
		child.once('message', (reply: ProbeReply) => {
			if (reply.type === 'done') resolve(reply.result);
			else reject(new ModelCheckError(reply.check, reply.message));
		});
		child.once('error', (error) => {
			kill();
			reject(new ModelCheckError('probe', `The sample run could not start: ${error.message}`));
		});
		// After a reply this settles nothing; without one, the runtime died under the model.
		child.once('exit', (code, killedBy) => {
			reject(
				new ModelCheckError('probe', `The sample run ended the runtime (${killedBy ?? code}).`)
			);
		});
		child.send(request);
	});
