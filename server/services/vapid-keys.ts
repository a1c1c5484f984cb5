import { randomBytes } from 'node:crypto';
import {
	closeSync,
	existsSync,
	fsyncSync,
	linkSync,
	openSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import webpush from 'web-push';

/** The server's Web Push identity (RFC 8292): push services check every message against it. */
export interface VapidKeys {
	subject: string;
	/** base64url, uncompressed P-256 point: the `applicationServerKey` browsers subscribe with. */
	publicKey: string;
	privateKey: string;
}

export const VAPID_FILE = 'vapid.json';

const StoredKeysSchema = v.object({
	publicKey: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{87}$/)),
	privateKey: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/))
});

export class VapidKeysError extends Error {}

/**
 * Made at first start and kept in the data dir (owner-readable only): every browser subscribed
 * with the public key, so a new pair would silently cut off every device.
 */
export function loadVapidKeys(dataDir: string, subject: string): VapidKeys {
	const file = join(dataDir, VAPID_FILE);
	if (!existsSync(file)) writeNewKeys(file);
	const parsed = v.safeParse(StoredKeysSchema, parseJson(readFileSync(file, 'utf8')));
	if (!parsed.success) {
		throw new VapidKeysError(
			`${file} is damaged: restore it, or delete it and turn notifications on again everywhere.`
		);
	}
	return { subject, ...parsed.output };
}

/**
 * Written beside the target, then linked into place: a crash never leaves half a file, and when
 * two processes start at once the first link wins and both read the same keys.
 */
function writeNewKeys(file: string): void {
	const { publicKey, privateKey } = webpush.generateVAPIDKeys();
	const partial = `${file}.${randomBytes(6).toString('hex')}.partial`;
	try {
		const fd = openSync(partial, 'wx', 0o600);
		try {
			writeFileSync(fd, JSON.stringify({ publicKey, privateKey }));
			fsyncSync(fd);
		} finally {
			closeSync(fd);
		}
		linkSync(partial, file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	} finally {
		rmSync(partial, { force: true });
	}
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}
