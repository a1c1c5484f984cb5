import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from './config';
import { createApp, type Handler } from './http/app';

/** Starts the one HTTP server: our endpoints and SvelteKit now, the relay on /sync next. */
export async function startServer(config: Config, kitHandler: Handler): Promise<Server> {
	mkdirSync(config.dataDir, { recursive: true });
	const server = createServer(createApp(kitHandler));
	// The relay will take upgrades on /sync; until then no WebSocket path exists.
	server.on('upgrade', (_req, socket: Socket) => socket.destroy());
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, resolve);
	});
	return server;
}

export function stopServer(server: Server, timeoutMs: number): Promise<void> {
	return new Promise((resolve) => {
		server.close(() => resolve());
		server.closeIdleConnections();
		setTimeout(() => server.closeAllConnections(), timeoutMs).unref();
	});
}
