import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunnerSetup } from './runner-messages';

// The bundle has dist/server/model-runner-process.js beside main.js (scripts/build-server.mjs);
// from source (vitest, tsx) this module sits beside model-runner-process.ts.
const BUNDLED = fileURLToPath(new URL('./model-runner-process.js', import.meta.url));
const SOURCE = fileURLToPath(new URL('./model-runner-process.ts', import.meta.url));
const PRLIMIT = '/usr/bin/prlimit';

export interface RunnerLimits {
	/** The runner's JavaScript heap (V8's old generation). */
	heapMb: number;
	/**
	 * Its whole address space, ORT's native buffers included, so a graph that allocates without
	 * end fails its own allocation instead of paging the machine out. Node and ORT need about
	 * 1.5 GiB of it before any model loads.
	 */
	memoryMb: number;
}

/**
 * A model runner process. Its address space is capped with util-linux `prlimit` where the
 * machine has it (Debian does); without it, only the JavaScript heap is.
 */
export function spawnModelRunner(setup: RunnerSetup, limits: RunnerLimits): ChildProcess {
	const script = existsSync(BUNDLED) ? BUNDLED : SOURCE;
	const loader = script === SOURCE ? ['--import', import.meta.resolve('tsx')] : [];
	const node = [...loader, `--max-old-space-size=${limits.heapMb}`, script, JSON.stringify(setup)];
	// 'advanced' serialisation is structured clone: typed arrays cross as they are.
	const options = {
		serialization: 'advanced' as const,
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ('ignore' | 'inherit' | 'ipc')[]
	};
	if (!existsSync(PRLIMIT)) return spawn(process.execPath, node, options);
	const cap = `--as=${limits.memoryMb * 1024 * 1024}`;
	// WebAssembly reserves 10 GiB of address space per memory for its guard pages unless told not
	// to; the loader (tsx, from source) uses it.
	const wasm = '--disable-wasm-trap-handler';
	return spawn(PRLIMIT, [cap, process.execPath, wasm, ...node], options);
}
