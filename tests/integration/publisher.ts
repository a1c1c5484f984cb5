import type * as Y from 'yjs';
import { shardDocName } from '../../sync/doc-names';
import type { UserId } from '../../sync/ids';
import {
	connectClient,
	register,
	settled,
	type Account,
	type Client,
	type TestServer
} from './harness';

/** One author with a device whose shard 0 is open and synced: what publishing tests write to. */
export interface Publisher {
	account: Account;
	device: Client;
	shard: Y.Doc;
}

export async function publisher(t: TestServer, username?: string): Promise<Publisher> {
	const account = await register(t.base, username);
	const device = connectClient(t, account);
	const provider = device.open(shardDocName(account.userId as UserId, 0));
	await settled(provider);
	return { account, device, shard: provider.document };
}

/** A page as an anonymous reader gets it. */
export async function fetchPage(base: string, path: string) {
	const res = await fetch(`${base}${path}`);
	return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

/**
 * Polls until `check` holds. The relay stores (and so publishes) about 2 s after the last
 * change, so publishing tests wait on what readers see, not on a timer.
 */
export async function waitUntil(
	check: () => Promise<boolean>,
	what: string,
	timeoutMs = 15_000
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`never saw ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}
