import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The real server as a child process (`server-process.ts`) that a test can SIGKILL and restart on
 * the same data dir and port. Every child is SIGKILLed when the test process exits, however it
 * exits: a crashed harness must not leave relays behind (seen with ws 'error' crashes).
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const entry = fileURLToPath(new URL('./server-process.ts', import.meta.url));

const children = new Set<ChildProcess>();
export function killServerChildren(): void {
	for (const child of children) child.kill('SIGKILL');
}
process.on('exit', killServerChildren);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ServerProcess {
	/** 0 until the first start; later starts reuse the port so clients reconnect to the same URL. */
	port = 0;
	/** Counts starts: which server instance was up when something happened. */
	instance = 0;
	stderr = '';
	/** `PRAGMA synchronous` reported by each instance on its own connection. */
	synchronous: number[] = [];
	#child?: ChildProcess;

	constructor(
		readonly dataDir: string,
		readonly env: NodeJS.ProcessEnv = {}
	) {}

	get base() {
		return `http://127.0.0.1:${this.port}`;
	}
	get wsUrl() {
		return `ws://127.0.0.1:${this.port}/sync`;
	}
	get pid(): number | undefined {
		return this.#child?.pid;
	}
	get running(): boolean {
		return this.#child !== undefined;
	}

	async start(): Promise<void> {
		// The port was free a moment ago; retry briefly in case the old socket lingers.
		for (let attempt = 1; ; attempt++) {
			try {
				return await this.#spawn();
			} catch (error) {
				if (attempt >= 5) throw error;
				await sleep(100 * attempt);
			}
		}
	}

	#spawn(): Promise<void> {
		const child = spawn(process.execPath, ['--import', 'tsx', entry], {
			cwd: repoRoot,
			env: { ...process.env, ...this.env, PORT: String(this.port), DATA_DIR: this.dataDir },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		children.add(child);
		child.on('exit', () => children.delete(child));
		child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk));
		return new Promise((resolve, reject) => {
			let out = '';
			const timer = setTimeout(() => reject(new Error('server did not start in 10 s')), 10_000);
			child.stdout!.on('data', (chunk: Buffer) => {
				out += chunk;
				const ready = /^READY (\d+) (\d+)$/m.exec(out);
				if (!ready) return;
				clearTimeout(timer);
				this.port = Number(ready[1]);
				this.synchronous.push(Number(ready[2]));
				this.instance++;
				this.#child = child;
				resolve();
			});
			child.on('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`server exited with ${code} before READY: ${this.stderr.slice(-500)}`));
			});
		});
	}

	/** Sends SIGKILL at once; resolves when the process is gone. */
	kill(): Promise<void> {
		const child = this.#child;
		if (!child) return Promise.resolve();
		this.#child = undefined;
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		child.kill('SIGKILL');
		return exited;
	}
}
