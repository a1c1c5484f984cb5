import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from './config';
import type { Handler } from './http/app';
import { startServer, stopServer } from './server';

/** Composition root: config → SvelteKit handler → server → listen, with graceful shutdown. */
async function main(): Promise<void> {
	const config = loadConfig(process.env);
	const kitUrl = pathToFileURL(join(config.buildDir, 'handler.js'));
	const { handler } = (await import(kitUrl.href)) as { handler: Handler };
	const server = await startServer(config, handler);
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	console.log(`Thoughts10x listening on http://${config.host}:${port} (data in ${config.dataDir})`);
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			console.log(`${signal}: shutting down`);
			void stopServer(server, config.shutdownTimeoutMs).then(() => process.exit(0));
		});
	}
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
