import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The server's signing secret: made once, kept in the data dir (owner-readable only). */
export function loadSecret(dataDir: string): Buffer {
	const file = join(dataDir, 'secret.key');
	if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
	const secret = randomBytes(32);
	writeFileSync(file, secret.toString('base64'), { mode: 0o600, flag: 'wx' });
	return secret;
}
