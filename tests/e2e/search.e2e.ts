import { expect, test, type Page } from '@playwright/test';
import { capture, captureBox } from './support';

function searchBox(page: Page) {
	return page.getByRole('searchbox', { name: 'Search thoughts' });
}

function results(page: Page) {
	return page.getByRole('list', { name: 'Search results' });
}

test('swapped letters still find the thought, first', async ({ page }) => {
	await page.goto('/');
	await capture(page, 'Quarterly budget review with the finance team');
	await capture(page, 'Team meeting moved to Thursday');
	await capture(page, 'Planted tomatoes and basil');

	await searchBox(page).fill('bugdet');
	await expect(results(page).getByRole('listitem').first()).toContainText('Quarterly budget');
	await searchBox(page).fill('meetnig');
	await expect(results(page).getByRole('listitem').first()).toContainText('Team meeting');
	await searchBox(page).fill('meetnig thursady');
	await expect(results(page).getByRole('listitem').first()).toContainText('Team meeting');
});

test('"No matches" never shows while a query that finds something is in flight', async ({
	page
}) => {
	await page.goto('/');
	await capture(page, 'The kitten knocked my coffee off the desk');
	await capture(page, 'Quarterly budget review');
	await page.evaluate(() => {
		const seen: string[] = [];
		(window as unknown as { statusTexts: string[] }).statusTexts = seen;
		new MutationObserver(() => {
			for (const node of document.querySelectorAll('[role="status"]')) {
				seen.push(node.textContent?.trim() ?? '');
			}
		}).observe(document.body, { subtree: true, childList: true, characterData: true });
	});

	for (const query of ['kitten', 'coffee', 'budget', 'bugdet']) {
		await searchBox(page).fill(query);
		await expect(results(page).getByRole('listitem').first()).toBeVisible();
		await searchBox(page).fill('');
	}
	const seen = await page.evaluate(
		() => (window as unknown as { statusTexts: string[] }).statusTexts
	);
	expect(seen.length).toBeGreaterThan(0);
	expect(seen).not.toContain('No matches');

	await searchBox(page).fill('zzzqqq');
	await expect(page.getByRole('status').filter({ hasText: 'No matches' })).toBeVisible();
});

test('"Show more results" goes past the first 50, from the keyboard', async ({ page }) => {
	test.setTimeout(120_000);
	await page.goto('/');
	const count = 57;
	for (let i = 0; i < count; i++) {
		await captureBox(page).fill(`Budget line ${i}`);
		await page.getByRole('button', { name: 'Save thought' }).click();
		await expect(captureBox(page)).toHaveValue('');
	}

	await searchBox(page).fill('budget');
	await expect(results(page).getByRole('listitem')).toHaveCount(50);
	await expect(page.getByRole('status').filter({ hasText: /50\+\s+matches/ })).toBeVisible();
	const more = page.getByRole('button', { name: 'Show more results' });
	await more.focus();
	await page.keyboard.press('Enter');
	await expect(results(page).getByRole('listitem')).toHaveCount(count);
	await expect(more).toHaveCount(0);
});
