import { expect, test } from '@playwright/test';
import { rmSync } from 'node:fs';
import { capture, launchProfile, newProfileDir, timeline, waitForServiceWorker } from './support';

test('after one visit the app works with the network gone', async ({ browser }) => {
	const context = await browser.newContext();
	const page = await context.newPage();
	await page.goto('/');
	await waitForServiceWorker(page);
	await capture(page, 'written while online');

	await context.setOffline(true);
	await page.reload();
	await expect(timeline(page).getByText('written while online')).toBeVisible();
	await capture(page, 'written while offline');

	// A deep link this tab never visited is served by the cached shell.
	await page.goto('/data');
	await expect(page.getByRole('heading', { name: 'Your data' })).toBeVisible();
	await page.goto('/');
	await expect(timeline(page).getByText('written while offline')).toBeVisible();

	await context.setOffline(false);
	await page.reload();
	await expect(timeline(page).getByText('written while offline')).toBeVisible();
	await expect(timeline(page).getByText('written while online')).toBeVisible();
	await context.close();
});

test('a relaunched browser profile opens offline and reads its thoughts', async ({ baseURL }) => {
	const dir = newProfileDir();
	try {
		const online = await launchProfile(dir, baseURL!);
		const first = online.pages()[0] ?? (await online.newPage());
		await first.goto('/');
		await waitForServiceWorker(first);
		await capture(first, 'kept across a browser restart');
		await online.close();

		const offline = await launchProfile(dir, baseURL!, { offline: true });
		const page = offline.pages()[0] ?? (await offline.newPage());
		await page.goto('/');
		await expect(timeline(page).getByText('kept across a browser restart')).toBeVisible();
		await capture(page, 'and a new one, offline');
		await offline.close();
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});
