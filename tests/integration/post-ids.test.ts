import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addThought, setVisibility } from '../../sync/doc/shard-doc';
import { newThoughtId } from '../../sync/ids';
import { readMetrics, startTestServer, type TestServer } from './harness';
import { fetchPage, publisher, waitUntil, type Publisher } from './publisher';

/**
 * A post id belongs to the user who published it first. Mallory learns the id of Ana's public
 * thought, waits until Ana makes it private, then publishes a thought of her own under that id:
 * it is refused (and counted), and Ana can publish hers again.
 */
let t: TestServer;
let ana: Publisher;
let mallory: Publisher;

beforeAll(async () => {
	t = await startTestServer();
	ana = await publisher(t, `ana_${process.pid}`);
	mallory = await publisher(t, `mallory_${process.pid}`);
});
afterAll(async () => {
	ana?.device.destroy();
	mallory?.device.destroy();
	await t?.stop();
});

describe('post ids', () => {
	it('cannot be taken over by another user while the owner keeps the thought private', async () => {
		const id = newThoughtId();
		const status = async (who: Publisher) =>
			(await fetchPage(t.base, `/@${who.account.username}/${id}`)).status;
		const write = (who: Publisher, text: string) =>
			addThought(who.shard, id, {
				text,
				createdAt: Date.now(),
				visibility: 'public',
				pinned: false
			});

		write(ana, 'ANA-ORIGINAL');
		await waitUntil(async () => (await status(ana)) === 200, "Ana's post");
		setVisibility(ana.shard, id, 'private');
		await waitUntil(async () => (await status(ana)) === 404, 'Ana unpublishing');

		write(mallory, 'MALLORY-SQUAT');
		await waitUntil(
			async () => /t10x_posts_refused_total 1\b/.test(await readMetrics(t.base)),
			'the squat refused'
		);
		expect(await status(mallory)).toBe(404);
		expect((await fetchPage(t.base, `/api/posts/${id}`)).status).toBe(404);

		setVisibility(ana.shard, id, 'public');
		await waitUntil(async () => (await status(ana)) === 200, 'Ana republishing');
		const page = await fetchPage(t.base, `/@${ana.account.username}/${id}`);
		expect(page.body).toContain('ANA-ORIGINAL');
		expect((await fetchPage(t.base, `/@${mallory.account.username}`)).body).not.toContain(
			'MALLORY-SQUAT'
		);
	});
});
