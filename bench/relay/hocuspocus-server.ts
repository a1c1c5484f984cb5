import { Server } from '@hocuspocus/server';

/**
 * Bare Hocuspocus 3.4 baseline for fanout.bench.ts: no auth, no persistence, no extensions, so
 * the comparison shows what our auth, guards and SQLite persistence cost on top of the library.
 * Prints `READY <port>` like tests/integration/server-process.ts; the parent kills it.
 */
const server = new Server({
	port: Number(process.env.PORT ?? 0),
	address: '127.0.0.1',
	quiet: true,
	// The parent SIGKILLs/SIGTERMs us; Hocuspocus's own handler would only add shutdown latency.
	stopOnSignals: false
});
await server.listen();
const address = server.httpServer.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`READY ${port}\n`);
