import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from './config';
import type { Handler } from './http/app';
import { startServer } from './server';

/** Entry point: config → SvelteKit handler → server → listen, with graceful shutdown. */
async function main(): Promise<void> {
	const config = loadConfig(process.env);
	const kitUrl = pathToFileURL(join(config.buildDir, 'handler.js'));
	const { handler } = (await import(kitUrl.href)) as { handler: Handler };
	const server = await startServer(config, handler);
	console.log(
		`Thoughts10x listening on http://${config.host}:${server.port} (data in ${config.dataDir})`
	);
	// A bug in one request must not take every user's relay down with it.
	process.on('unhandledRejection', (reason) => console.error('Unhandled rejection', reason));
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			console.log(`${signal}: shutting down`);
			void server.stop().then(() => process.exit(0));
		});
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
