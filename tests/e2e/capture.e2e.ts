import { expect, test } from '@playwright/test';
import { capture, captureBox, openFilters, timeline } from './support';

test.beforeEach(async ({ page }) => {
	await page.goto('/');
	await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Local only');
});

test('a captured thought survives a reload', async ({ page }) => {
	await expect(captureBox(page)).toBeFocused();
	await captureBox(page).fill('Remember the **milk** #errands');
	await page.keyboard.press('Control+Enter');
	const item = timeline(page).getByRole('listitem').filter({ hasText: 'Remember the milk' });
	await expect(item).toBeVisible();
	await expect(item.locator('strong')).toHaveText('milk');
	await expect(captureBox(page)).toHaveValue('');

	await page.reload();
	await expect(
		timeline(page).getByRole('listitem').filter({ hasText: 'Remember the milk' })
	).toBeVisible();
});

test('half a thought is still in the box after a reload', async ({ page }) => {
	await captureBox(page).pressSequentially('I was in the middle of');
	// Each keystroke is written to IndexedDB; give the last write a moment to commit.
	await expect
		.poll(() =>
			page.evaluate(async () => {
				const dbs = await indexedDB.databases();
				return dbs.some((db) => db.name?.startsWith('t10x-view:'));
			})
		)
		.toBe(true);
	await page.waitForTimeout(100);
	await page.reload();
	await expect(captureBox(page)).toHaveValue('I was in the middle of');
});

test('edit in place, pin, delete and undo, all from the keyboard', async ({ page }) => {
	await capture(page, 'first thought');
	await capture(page, 'second thought');
	const first = timeline(page).getByRole('listitem').filter({ hasText: 'first thought' });

	await first.getByRole('button', { name: 'Edit' }).focus();
	await page.keyboard.press('Enter');
	const editor = page.getByRole('textbox', { name: 'Edit thought' });
	await expect(editor).toBeFocused();
	await page.keyboard.press('End');
	await page.keyboard.type(' (edited) #later');
	await page.keyboard.press('Control+Enter');
	const edited = timeline(page).getByRole('listitem').filter({ hasText: 'first thought (edited)' });
	await expect(edited).toBeVisible();
	await expect(edited.getByRole('button', { name: 'Show #later' })).toBeVisible();

	// Escape reverts an edit in progress.
	await edited.getByRole('button', { name: 'Edit' }).click();
	await editor.fill('oops');
	await page.keyboard.press('Escape');
	await expect(edited).toBeVisible();

	await edited.getByRole('button', { name: 'Pin' }).click();
	const pinned = page.getByRole('list', { name: 'Pinned' });
	await expect(pinned.getByRole('listitem')).toHaveCount(1);
	await expect(pinned).toContainText('first thought (edited)');
	await expect(edited.getByRole('button', { name: 'Unpin' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);

	await edited.getByRole('button', { name: 'Delete' }).focus();
	await page.keyboard.press('Enter');
	await expect(
		timeline(page).getByRole('listitem').filter({ hasText: 'first thought' })
	).toHaveCount(0);
	await expect(page.getByRole('status', { name: 'Notifications' })).toContainText(
		'Thought deleted'
	);
	await expect(page.locator(':focus')).toHaveCount(0);
	await page.keyboard.press('Control+z');
	await expect(edited).toBeVisible();
	await expect(edited.getByRole('button', { name: 'Unpin' })).toBeVisible();

	await page.reload();
	await expect(pinned).toContainText('first thought (edited)');
	await openFilters(page);
	await page.getByRole('checkbox', { name: 'Pinned only' }).check();
	await expect(timeline(page).getByRole('listitem')).toHaveCount(1);
});

test('search updates as you type, with prefixes and typos', async ({ page }) => {
	await capture(page, 'Planning the garden: tomatoes and basil');
	await capture(page, 'Meeting notes about the quarterly budget');
	const search = page.getByRole('searchbox', { name: 'Search thoughts' });
	await page.keyboard.press('Escape');
	await page.keyboard.press('/');
	await expect(search).toBeFocused();
	await page.keyboard.type('tomat');
	const results = page.getByRole('list', { name: 'Search results' });
	await expect(results.getByRole('listitem')).toHaveCount(1);
	await expect(results).toContainText('tomatoes');
	await search.fill('quartrly');
	await expect(results.getByRole('listitem')).toHaveCount(1);
	await expect(results).toContainText('quarterly budget');
	await search.fill('');
	await expect(timeline(page)).toBeVisible();
});

test('filter by nested tag and by date', async ({ page }) => {
	await capture(page, 'standup went long #work/meetings');
	await capture(page, 'shipped the release #work');
	await capture(page, 'bread recipe #cooking');
	await openFilters(page);
	const tags = page.getByRole('group', { name: 'Tags' });
	await tags.getByRole('button', { name: '#work 2 thoughts' }).click();
	await expect(timeline(page).getByRole('listitem')).toHaveCount(2);
	await tags.getByRole('button', { name: '#work/meetings 1 thought' }).click();
	await expect(tags.getByRole('button', { name: '#work/meetings 1 thought' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	await expect(timeline(page).getByRole('listitem')).toHaveCount(1);
	await page.getByRole('button', { name: 'Clear filters' }).click();
	await expect(timeline(page).getByRole('listitem')).toHaveCount(3);

	await timeline(page).getByRole('button', { name: 'Show #cooking' }).click();
	await expect(timeline(page).getByRole('listitem')).toHaveCount(1);
	await page.getByRole('button', { name: 'Clear filters' }).click();

	await page.getByLabel('To').fill('2001-01-01');
	await expect(page.getByText('No thoughts match these filters.')).toBeVisible();
	await page.getByLabel('To').fill('');
	await page.getByLabel('From').fill(new Date().toISOString().slice(0, 10));
	await expect(timeline(page).getByRole('listitem')).toHaveCount(3);
});

test('markdown renders, hostile markup stays inert', async ({ page }) => {
	const dialogs: string[] = [];
	page.on('dialog', (dialog) => {
		dialogs.push(dialog.message());
		void dialog.dismiss();
	});
	await captureBox(page).fill(
		'<img src=x onerror="alert(1)"> [click](javascript:alert(2)) <script>alert(3)</script>'
	);
	await page.keyboard.press('Control+Enter');
	const item = timeline(page).getByRole('listitem').filter({ hasText: 'alert(3)' });
	await expect(item).toBeVisible();
	await expect(item.locator('img, script')).toHaveCount(0);
	await expect(item.locator('a[href^="javascript"]')).toHaveCount(0);
	await expect(item).toContainText('<script>alert(3)</script>');
	expect(dialogs).toEqual([]);
});
