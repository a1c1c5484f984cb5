import type { IncomingMessage, ServerResponse } from 'node:http';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../server/config';
import { startServer } from '../../server/server';

/**
 * The real server as a child process for the Web Push test: it must start with
 * NODE_EXTRA_CA_CERTS to trust the mock push service's certificate, and Node reads that variable
 * only at process start. `node --import tsx tests/integration/push-server-process.ts` with PORT,
 * DATA_DIR and NODE_EXTRA_CA_CERTS in the env; prints `READY <port>` once listening.
 *
 * Until the social API calls it, nothing in the API sends a push, so the test drives the wired
 * PushDelivery directly: each stdin line is `{"userId": …, "message": …}`, handed to
 * services.push.deliver; `SETTLED` is printed once every send and retry has finished.
 */
const noPages = (_req: IncomingMessage, res: ServerResponse) => {
	res.writeHead(404);
	res.end();
};

const server = await startServer(loadConfig(process.env), noPages);
process.stdout.write(`READY ${server.port}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
	const { userId, message } = JSON.parse(line);
	server.services.push.deliver(userId, message);
	void server.services.push.settled().then(() => process.stdout.write('SETTLED\n'));
});
process.stdin.on('end', () => void server.stop().then(() => process.exit(0)));
