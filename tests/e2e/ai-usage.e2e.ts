import { expect, test, type Page } from '@playwright/test';
import { captureBox, expectNoSeriousViolations, timeline } from './support';

/** Each plot is a canvas with role img, named by a summary of what it shows. */
function charts(page: Page) {
	return {
		usage: page.getByRole('img', { name: /^Jobs and compute time per model and backend\./ }),
		storage: page.getByRole('img', { name: /^Storage used on this device: glove-sif-50k/ }),
		latency: page.getByRole('img', { name: /^Run and queue time of the last \d+ jobs/ })
	};
}

test('before any inference the screen says so instead of drawing empty charts', async ({
	page
}) => {
	await page.goto('/ai');
	await expect(page.getByRole('figure')).toHaveCount(3);
	await expect(page.getByRole('figure').filter({ hasText: 'No inferences yet.' })).toHaveCount(2);
	// The model is stored whether or not it has run yet.
	await expect(charts(page).storage).toBeVisible();
	await expect(page.locator('canvas')).toHaveCount(1);
});

test('the AI usage screen plots usage, storage and latency beside tables of the same numbers', async ({
	page
}) => {
	await page.goto('/');
	for (const text of [
		'I adopted a kitten today',
		'Quarterly budget review with the finance team'
	]) {
		await captureBox(page).fill(text);
		await captureBox(page).press('Control+Enter');
		await expect(timeline(page).getByRole('listitem').filter({ hasText: text })).toBeVisible();
	}
	// Search by meaning answers only once the model has embedded the thoughts.
	await page.getByRole('searchbox', { name: 'Search thoughts' }).fill('cat');
	await expect(
		page.getByRole('list', { name: 'Search results' }).getByRole('listitem').filter({
			hasText: 'kitten'
		})
	).toBeVisible();

	await page.goto('/ai');
	const { usage, storage, latency } = charts(page);
	for (const chart of [usage, storage, latency]) await expect(chart).toBeVisible();
	await expect(usage).toHaveAttribute('aria-label', /glove-sif-50k 1\.0\.0 · wasm: \d+ jobs/);
	await expect(page.getByRole('figure')).toHaveCount(3);

	const log = page.getByRole('table', { name: 'Inference log' });
	await expect(log.getByRole('row').nth(1)).toContainText('glove-sif-50k');
	await expect(log).toContainText('wasm');

	const stored = page.getByRole('table', { name: 'Storage used by models and vectors' });
	await expect(stored.getByRole('row', { name: /glove-sif-50k 1\.0\.0 model/ })).toContainText(
		/[1-9][\d.]* MiB/
	);
	await expect(stored.getByRole('row', { name: /glove-sif-50k vectors/ })).toContainText(
		'2 vectors × 100 dims'
	);

	// The charts follow their container's width.
	const before = (await latency.boundingBox())?.width ?? 0;
	await page.setViewportSize({ width: 420, height: 900 });
	await expect.poll(async () => (await latency.boundingBox())?.width ?? 0).toBeLessThan(before);

	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		// A scheme change redraws each chart with the new colours; its name must survive that.
		for (const chart of [usage, storage, latency]) await expect(chart).toBeVisible();
		await expectNoSeriousViolations(page, `AI usage (${colorScheme})`);
	}
});
