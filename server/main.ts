import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from './config';
import type { Handler } from './http/app';
import { startServer } from './server';

/** Entry point: config → SvelteKit handler → server → listen, with graceful shutdown. */
async function main(): Promise<void> {
	const config = loadConfig(process.env);
	const server = await startServer(config, await loadPages(config.buildDir));
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

/** The SvelteKit build; without one (npm run dev) the server serves the API and relay only. */
async function loadPages(buildDir: string): Promise<Handler> {
	const handlerFile = join(buildDir, 'handler.js');
	if (!existsSync(handlerFile)) {
		console.log(`No build at ${buildDir}: serving the API and relay only`);
		return (_req, res) => {
			res.writeHead(404, { 'Content-Type': 'text/plain' });
			res.end('Pages are served by the Vite dev server or a production build.');
		};
	}
	return ((await import(pathToFileURL(handlerFile).href)) as { handler: Handler }).handler;
}

main().catch((error: unknown) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
