/**
 * Everything a browser benchmark starts (the server, browsers, temp dirs) registers its own
 * undo here, so that a normal end, a thrown error and Ctrl-C all leave nothing running.
 */
type Task = () => Promise<void> | void;

const tasks: Task[] = [];
/** Synchronous last resort for child processes when the process exits without running tasks. */
const onExit = new Set<() => void>();

export function onTeardown(task: Task): () => void {
	tasks.push(task);
	return () => {
		const at = tasks.indexOf(task);
		if (at >= 0) tasks.splice(at, 1);
	};
}

export function killOnExit(kill: () => void): () => void {
	onExit.add(kill);
	return () => onExit.delete(kill);
}

/** Runs every registered undo, newest first; one failing does not stop the others. */
export async function teardown(): Promise<void> {
	for (const task of tasks.splice(0).reverse()) {
		try {
			await task();
		} catch (error) {
			console.error('teardown:', error instanceof Error ? error.message : error);
		}
	}
}

let stoppedBy: NodeJS.Signals | null = null;

process.on('exit', () => onExit.forEach((kill) => kill()));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	// `on`, not `once`: a repeated signal must not fall through to Node's default (exit now).
	process.on(signal, () => {
		if (stoppedBy) return;
		stoppedBy = signal;
		console.error(`\n${signal}: stopping the server and browsers`);
		void teardown().finally(() => process.exit(130));
	});
}

/** Runs a benchmark's main, always tears down, and turns a crash into a non-zero exit. */
export async function runBench(main: () => Promise<void>): Promise<void> {
	try {
		await main();
	} catch (error) {
		// Stopped by a signal: the error is only the browser closing under a waiting call.
		if (!stoppedBy) console.error(error);
		process.exitCode = 1;
	} finally {
		await teardown();
	}
}
