import { expect, test, type Route } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTinyTransformersModel } from '../fixtures/tiny-transformers-model';
import { capture, expectNoSeriousViolations, waitForServiceWorker } from './support';

/**
 * Downloading a catalog model, with the model hub played by this test: the real catalog name
 * (Xenova/all-MiniLM-L6-v2) is served the tiny generated model. Any other request off this
 * machine fails the test, and after the download search must work with the network gone.
 */
const MODEL = 'Xenova/all-MiniLM-L6-v2';
const MODEL_ID = 'xenova-all-minilm-l6-v2';
const TITLE = 'all-MiniLM-L6-v2';
const HUB = 'https://huggingface.co';

test('a catalog model downloads with consent, then search uses it offline', async ({ browser }) => {
	test.setTimeout(120_000);
	const tiny = writeTinyTransformersModel(test.info().outputPath('hub'), {
		name: MODEL,
		dims: 384
	});
	const context = await browser.newContext();

	// Routes run newest first: the hub below, then this catch-all for everything else.
	const unexpected: string[] = [];
	await context.route('**/*', (route) => {
		const { hostname } = new URL(route.request().url());
		if (hostname === '127.0.0.1' || hostname === 'localhost') return route.fallback();
		unexpected.push(route.request().url());
		return route.abort('blockedbyclient');
	});
	const served: string[] = [];
	let releaseWeights = () => {};
	const weightsHeld = new Promise<void>((resolve) => (releaseWeights = resolve));
	await context.route(`${HUB}/**`, async (route) => {
		served.push(route.request().url());
		// Holding the weights back keeps the download visibly in progress until checked.
		const isWeights = route.request().url().endsWith('.onnx');
		if (isWeights && !route.request().headers()['range']) await weightsHeld;
		return serveHub(route, tiny.dir);
	});

	const page = await context.newPage();
	await page.goto('/');
	await waitForServiceWorker(page);
	await capture(page, 'I adopted a kitten today');
	await capture(page, 'Quarterly budget review with the finance team');
	await capture(page, 'Tried a new recipe for lentil soup');

	await page.goto('/ai');
	const catalog = page.getByRole('list', { name: 'Model catalog' });
	const item = catalog.getByRole('listitem').filter({ hasText: MODEL });
	const dialog = page.getByRole('dialog', { name: `Download ${TITLE}?` });

	// Nothing is fetched before consent; Escape backs out.
	await item.getByRole('button', { name: 'Download' }).click();
	await expect(dialog).toBeVisible();
	await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await expect(dialog).toContainText('huggingface.co');
	await expect(dialog).toContainText('about 23 MB');
	await expect(dialog).toContainText('this device');
	await expectNoSeriousViolations(page, 'the download consent dialog');
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	expect(served).toEqual([]);

	await item.getByRole('button', { name: 'Download' }).click();
	await dialog.getByRole('button', { name: 'Download' }).click();
	await expect(page.getByRole('progressbar', { name: `Downloading ${TITLE}` })).toBeVisible();
	releaseWeights();
	const models = page.getByRole('list', { name: 'Models' });
	await expect(models.getByRole('listitem').filter({ hasText: MODEL_ID })).toContainText('Active', {
		timeout: 60_000
	});
	await expect(item).toContainText('Active');
	expect(
		served.some((url) => url.endsWith(`/${MODEL}/resolve/main/onnx/model_quantized.onnx`))
	).toBe(true);
	const cached = await page.evaluate(async () => {
		const cache = await caches.open('transformers-cache');
		return (await cache.keys()).map((request) => request.url);
	});
	expect(cached).toContain(`${HUB}/${MODEL}/resolve/main/onnx/model_quantized.onnx`);

	// The hub is gone: the model must come from this device's cache from now on.
	await context.unroute(`${HUB}/**`);
	await context.setOffline(true);
	await page.goto('/');
	const search = page.getByRole('searchbox', { name: 'Search thoughts' });
	const results = page.getByRole('list', { name: 'Search results' });
	// A query typed before the index has read its stored vectors is answered by words alone and
	// not re-run when they arrive (Search refreshes on new embeddings only): type it again.
	await expect(async () => {
		await search.fill('');
		await search.fill('cat');
		await expect(
			results.getByRole('listitem').filter({ hasText: 'I adopted a kitten today' })
		).toBeVisible({ timeout: 5_000 });
	}).toPass({ timeout: 45_000 });
	await expect(results).not.toContainText('Quarterly budget');

	await page.goto('/ai');
	const log = page.getByRole('table', { name: 'Inference log' });
	await expect(log.getByRole('row').nth(1)).toContainText(MODEL_ID);
	expect(unexpected).toEqual([]);
	await context.close();
});

const TYPES: Record<string, string> = {
	json: 'application/json',
	onnx: 'application/octet-stream'
};

/** The hub's `/<repo>/resolve/<revision>/<file>`, with CORS and byte ranges as the hub does. */
async function serveHub(route: Route, dir: string): Promise<void> {
	const cors = {
		'access-control-allow-origin': '*',
		'access-control-allow-headers': '*',
		'access-control-expose-headers': 'content-length, content-range, etag'
	};
	const request = route.request();
	if (request.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
	const match = new URL(request.url()).pathname.match(new RegExp(`^/${MODEL}/resolve/main/(.+)$`));
	const file = match && join(dir, ...match[1].split('/'));
	if (!file || !existsSync(file)) {
		return route.fulfill({ status: 404, headers: cors, body: 'Entry not found' });
	}
	const body = readFileSync(file);
	const contentType = TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream';
	const range = request.headers()['range']?.match(/^bytes=(\d+)-(\d+)$/);
	if (range) {
		const [start, end] = [Number(range[1]), Math.min(Number(range[2]), body.length - 1)];
		return route.fulfill({
			status: 206,
			headers: { ...cors, 'content-range': `bytes ${start}-${end}/${body.length}` },
			contentType,
			body: body.subarray(start, end + 1)
		});
	}
	return route.fulfill({ status: 200, headers: cors, contentType, body });
}
