import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadConfig } from '../../server/config';
import { startServer } from '../../server/server';

/**
 * The real server as a child process, so a test can SIGKILL it mid-write:
 * `node --import tsx tests/integration/server-process.ts` with PORT and DATA_DIR in the env.
 * Prints `READY <port> <synchronous>` once listening. `synchronous` is read from the server's
 * own connection: it is a per-connection setting, so a later reader of the file cannot see it.
 * No signal handlers on purpose: the point is that nothing runs on the way down.
 */
const noPages = (_req: IncomingMessage, res: ServerResponse) => {
	res.writeHead(404);
	res.end();
};

const server = await startServer(loadConfig(process.env), noPages);
const synchronous = server.services.database.sqlite.pragma('synchronous', { simple: true });
process.stdout.write(`READY ${server.port} ${synchronous}\n`);
