import { expect, test } from '@playwright/test';
import { capture, expectNoSeriousViolations, timeline, waitForServiceWorker } from './support';

test('search by meaning, related thoughts and the inference log all work offline', async ({
	browser
}) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto('/');
	await waitForServiceWorker(page);
	// Everything the AI needs (worker, wasm runtime, model, vocabulary) is precached.
	await context.setOffline(true);
	await page.reload();

	await capture(page, 'I adopted a kitten today');
	await capture(page, 'Quarterly budget review with the finance team');
	await capture(page, 'Our puppy chewed the sofa again');
	await capture(page, 'Tried a new recipe for lentil soup');

	const search = page.getByRole('searchbox', { name: 'Search thoughts' });
	await search.fill('cat');
	const results = page.getByRole('list', { name: 'Search results' });
	// No word in common: only the meaning connects them. (A puppy is close to a cat too.)
	await expect(
		results.getByRole('listitem').filter({ hasText: 'I adopted a kitten today' })
	).toBeVisible();
	await expect(results).not.toContainText('Quarterly budget');
	await search.fill('');

	await timeline(page)
		.getByRole('listitem')
		.filter({ hasText: 'Our puppy chewed the sofa again' })
		.getByRole('link', { name: /Open thought/ })
		.click();
	const related = page.getByRole('list', { name: 'Related thoughts' });
	await expect(related).toContainText('I adopted a kitten today');

	// Writing shows related thoughts and offers the tags of similar tagged thoughts.
	await page.goto('/');
	await capture(page, 'Vet appointment for the dog next week #pets');
	await page
		.getByRole('textbox', { name: 'New thought' })
		.fill('the kitten needs her vaccinations');
	await expect(page.getByRole('list', { name: 'Related thoughts' })).toContainText('kitten');
	await page.getByRole('button', { name: 'Add tag #pets' }).click();
	await expect(page.getByRole('textbox', { name: 'New thought' })).toHaveValue(
		'the kitten needs her vaccinations #pets'
	);

	await page.goto('/ai');
	const log = page.getByRole('table', { name: 'Inference log' });
	await expect(log.getByRole('row').nth(1)).toContainText('glove-sif-50k');
	await expect(log).toContainText('wasm');
	// The registry lists the built-in model as the active embedder.
	const models = page.getByRole('list', { name: 'Models' });
	await expect(models.getByRole('listitem').filter({ hasText: 'glove-sif-50k' })).toContainText(
		'Active'
	);
	await context.close();
});

test('a signed-in person can run the built-in model on the server instead', async ({ page }) => {
	await page.goto('/login');
	await page.getByRole('textbox', { name: 'Username' }).fill(`ai_${Date.now().toString(36)}`);
	await page.getByRole('textbox', { name: 'Password' }).fill('a long test passphrase');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Synced');

	await page.goto('/ai');
	const builtin = page.getByRole('list', { name: 'Models' }).getByRole('listitem').first();
	await builtin.getByRole('combobox', { name: 'Run on' }).selectOption('server');

	await page.goto('/');
	await capture(page, 'I adopted a kitten today');
	await page.getByRole('searchbox', { name: 'Search thoughts' }).fill('cat');
	await expect(page.getByRole('list', { name: 'Search results' })).toContainText('kitten');

	await page.goto('/ai');
	await expect(page.getByRole('table', { name: 'Inference log' })).toContainText('server');

	// The server's own account of it: quotas, cost per day (chart and table) and per model.
	const server = page.getByRole('region', { name: 'Server and cost' });
	await expect(server).toContainText(/Compute: [\d.]+ of 300 seconds/);
	await expect(server).toContainText(/Tokens: [1-9]\d* of 2000000 tokens/);
	const today = new Date().toISOString().slice(0, 10);
	const perDay = server.getByRole('table', { name: /Server usage and cost per day/ });
	await expect(perDay.getByRole('row', { name: new RegExp(today) })).toContainText(/USD/);
	await expect(
		server.getByRole('img', { name: /^Cost per day over the last 30 days/ })
	).toBeVisible();
	await expect(
		server.getByRole('table', { name: /Server usage per model/ }).getByRole('row', {
			name: /glove-sif-50k · 1\.0\.0/
		})
	).toContainText('embed');
	await expectNoSeriousViolations(page, 'AI usage with server usage');
});
