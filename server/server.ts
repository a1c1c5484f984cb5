import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Config } from './config';
import { createApp, type Handler } from './http/app';
import { createServices, type Services } from './services';

export interface RunningServer {
	http: Server;
	services: Services;
	port: number;
	/**
	 * Stops accepting, closes sockets so pending stores run and the relay commits its update log's
	 * last batch, then the AI workers and database.
	 */
	stop(): Promise<void>;
}

/** Starts the one HTTP server: API, SvelteKit pages and the relay on /sync, on one port. */
export async function startServer(config: Config, kitHandler: Handler): Promise<RunningServer> {
	mkdirSync(config.dataDir, { recursive: true });
	const services = createServices(config);
	const http = createServer(
		createApp(kitHandler, services.routes, services.metrics, config.metricsToken)
	);
	http.on('upgrade', (req, socket, head) => services.relay.upgrades.handle(req, socket, head));
	await new Promise<void>((resolve, reject) => {
		http.once('error', reject);
		http.listen(config.port, config.host, resolve);
	});
	const address = http.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	services.site.listening(config.host, port);
	let stopping: Promise<void> | undefined;
	return {
		http,
		services,
		port,
		stop() {
			stopping ??= (async () => {
				const closed = new Promise<void>((resolve) => http.close(() => resolve()));
				http.closeIdleConnections();
				await services.relay.close(config.shutdownTimeoutMs);
				const force = setTimeout(() => http.closeAllConnections(), config.shutdownTimeoutMs);
				await closed;
				clearTimeout(force);
				// After the last request: nothing can still be waiting on a worker or logging a job.
				await services.inference.close();
				services.push.close();
				services.database.close();
			})();
			return stopping;
		}
	};
}
