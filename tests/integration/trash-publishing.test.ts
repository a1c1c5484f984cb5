import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addThought, restoreThought, trashThought } from '../../sync/doc/shard-doc';
import { newThoughtId } from '../../sync/ids';
import { startTestServer, type TestServer } from './harness';
import { fetchPage, publisher, waitUntil, type Publisher } from './publisher';

/**
 * A public thought moved to the trash leaves `/@handle`, its post page and RSS at the next store
 * of its shard, and comes back when it is restored.
 */
let t: TestServer;
let ana: Publisher;

const page = (path: string) => fetchPage(t.base, path);
const untilProfile = (check: (html: string) => boolean, what: string) =>
	waitUntil(async () => check((await page(`/@${ana.account.username}`)).body), what);

beforeAll(async () => {
	t = await startTestServer();
	ana = await publisher(t, `trash_${process.pid}`);
});
afterAll(async () => {
	ana?.device.destroy();
	await t?.stop();
});

describe('publishing and the trash', () => {
	it('withdraws a trashed public thought and publishes it again on restore', async () => {
		const { shard } = ana;
		const handle = ana.account.username;
		const binned = newThoughtId();
		const kept = newThoughtId();
		const createdAt = Date.now();
		for (const [id, text] of [
			[binned, 'Public, then binned'],
			[kept, 'Public and kept']
		] as const) {
			addThought(shard, id, { text, createdAt, visibility: 'public', pinned: false });
		}
		await untilProfile((html) => html.includes('Public, then binned'), 'both thoughts');
		expect((await page(`/@${handle}/${binned}`)).status).toBe(200);

		trashThought(shard, binned, Date.now());
		await untilProfile((html) => !html.includes('Public, then binned'), 'the thought gone');
		expect((await page(`/@${handle}`)).body).toContain('Public and kept');
		expect((await page(`/@${handle}/${binned}`)).status).toBe(404);
		const rss = await page(`/@${handle}/rss.xml`);
		expect(rss.body).not.toContain('Public, then binned');
		expect(rss.body).toContain('Public and kept');

		restoreThought(shard, binned);
		await untilProfile((html) => html.includes('Public, then binned'), 'the restored thought');
		expect((await page(`/@${handle}/${binned}`)).status).toBe(200);
	});
});
