import { expect, test, type Page } from '@playwright/test';
import { capture, captureBox, expectNoSeriousViolations, timeline } from './support';

test.use({ viewport: { width: 1280, height: 800 } });

async function openHome(page: Page): Promise<void> {
	await page.goto('/');
	await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Local only');
}

/** The thoughts in the timeline, newest first (direct items, not Markdown list items). */
function items(page: Page) {
	return page.getByRole('list', { name: 'Thoughts', exact: true }).locator(':scope > li');
}

test('j/k move between thoughts; Enter opens, e edits, p pins, ? lists them', async ({ page }) => {
	await openHome(page);
	for (const text of ['oldest thought', 'middle thought', 'newest thought'])
		await capture(page, text);
	await page.keyboard.press('Escape');

	await page.keyboard.press('j');
	await expect(items(page).nth(0)).toBeFocused();
	await expect(items(page).nth(0)).toContainText('newest thought');
	await page.keyboard.press('j');
	await page.keyboard.press('j');
	await expect(items(page).nth(2)).toBeFocused();
	await page.keyboard.press('j');
	await expect(items(page).nth(2)).toBeFocused();
	await page.keyboard.press('k');
	await expect(items(page).nth(1)).toBeFocused();

	// e edits the focused thought; Escape puts it back as it was.
	await page.keyboard.press('e');
	const editor = page.getByRole('textbox', { name: 'Edit thought' });
	await expect(editor).toBeFocused();
	await page.keyboard.press('End');
	await page.keyboard.type(' j k p');
	await expect(editor).toHaveValue('middle thought j k p');
	await page.keyboard.press('Escape');
	await expect(items(page).nth(1)).toContainText('middle thought');
	await expect(editor).toHaveCount(0);

	// p pins: the thought moves to the Pinned list, and focus goes with it.
	await page.keyboard.press('k');
	await expect(items(page).nth(0)).toBeFocused();
	await page.keyboard.press('p');
	const pinned = page.getByRole('list', { name: 'Pinned' }).locator(':scope > li');
	await expect(pinned).toHaveCount(1);
	await expect(pinned.first()).toContainText('newest thought');
	await expect(pinned.first()).toBeFocused();
	await expect(pinned.first().getByRole('button', { name: 'Unpin' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	// j goes on from the pinned thought into the timeline.
	await page.keyboard.press('j');
	await expect(items(page).nth(0)).toBeFocused();
	await expect(items(page).nth(0)).toContainText('middle thought');

	await page.keyboard.press('?');
	const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
	await expect(help).toBeVisible();
	await expect(help).toContainText('Next / previous thought');
	await expectNoSeriousViolations(page, 'the shortcuts dialog');
	await page.keyboard.press('Escape');
	await expect(help).toBeHidden();

	// Enter opens the focused thought, and focus lands on it there.
	await expect(items(page).nth(0)).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/t\//);
	const single = page.getByRole('list', { name: 'Thought', exact: true }).locator(':scope > li');
	await expect(single).toContainText('middle thought');
	await expect(single).toBeFocused();
});

test('letters typed into a box are text, not shortcuts', async ({ page }) => {
	await openHome(page);
	await capture(page, 'a thought to skip past');
	await captureBox(page).focus();
	await page.keyboard.type('jkep?');
	await expect(captureBox(page)).toHaveValue('jkep?');
	await expect(captureBox(page)).toBeFocused();
	await expect(page.getByRole('dialog')).toBeHidden();
	await expect(page.getByRole('list', { name: 'Pinned' })).toHaveCount(0);
});

test('opening a thought from its link puts focus on it', async ({ page }) => {
	await openHome(page);
	await capture(page, 'open me with a click');
	await timeline(page)
		.getByRole('link', { name: /^Open thought/ })
		.click();
	await expect(page).toHaveURL(/\/t\//);
	const single = page.getByRole('list', { name: 'Thought', exact: true }).locator(':scope > li');
	await expect(single).toBeFocused();
});

test('a tag clicked on the thought page opens the timeline filtered by it', async ({ page }) => {
	await openHome(page);
	await capture(page, 'planning the trip #travel/japan');
	await capture(page, 'nothing to do with it #work');
	await timeline(page)
		.getByRole('listitem')
		.filter({ hasText: 'planning the trip' })
		.getByRole('link', { name: /^Open thought/ })
		.click();
	await expect(page).toHaveURL(/\/t\//);
	await page.getByRole('button', { name: 'Show #travel/japan' }).click();
	await expect(page).toHaveURL('/?tag=travel%2Fjapan');
	await expect(timeline(page).getByRole('listitem')).toHaveCount(1);
	await expect(timeline(page)).toContainText('planning the trip');
	await expect(page.getByText('Filtered by #travel/japan')).toBeVisible();
	// The Thoughts link leads back to the whole timeline.
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Thoughts' })
		.click();
	await expect(page).toHaveURL('/');
	await expect(timeline(page).getByRole('listitem')).toHaveCount(2);
	await expect(page.getByRole('button', { name: 'Clear filters' })).toHaveCount(0);
});

test('typing # offers the tags already used, nested ones too', async ({ page }) => {
	await openHome(page);
	await capture(page, 'standup notes #work/meetings');
	await capture(page, 'groceries #errands');
	const box = captureBox(page);
	await box.focus();
	await page.keyboard.type('call the team #');
	const options = page.getByRole('listbox', { name: 'Matching tags' }).getByRole('option');
	await expect(options).toHaveText(['#errands', '#work', '#work/meetings']);
	await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true');
	await expect(box).toHaveAttribute(
		'aria-activedescendant',
		(await options.nth(0).getAttribute('id'))!
	);
	await expectNoSeriousViolations(page, 'home with the tag list open');

	await page.keyboard.type('mee');
	await expect(options).toHaveText(['#work/meetings']);
	await page.keyboard.press('Escape');
	await expect(options).toHaveCount(0);
	await expect(box).toBeFocused();

	await page.keyboard.press('Backspace');
	await page.keyboard.press('Backspace');
	await page.keyboard.press('Backspace');
	await expect(options).toHaveCount(3);
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown');
	await expect(options.nth(2)).toHaveAttribute('aria-selected', 'true');
	await page.keyboard.press('Enter');
	await expect(box).toHaveValue('call the team #work/meetings ');
	await expect(options).toHaveCount(0);
	await page.keyboard.type('again');
	await expect(box).toHaveValue('call the team #work/meetings again');
});
