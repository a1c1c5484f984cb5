import { expect, test, type Page } from '@playwright/test';
import {
	capture,
	expectNoSeriousViolations,
	openDevice,
	signIn,
	syncStatus as status
} from './support';

function trashList(page: Page) {
	return page.getByRole('list', { name: 'Recently deleted thoughts' });
}

/** A thought on the thoughts screen, in the timeline or among the pinned ones. */
function item(page: Page, text: string) {
	return page.getByRole('main').getByRole('listitem').filter({ hasText: text }).first();
}

function everyItem(page: Page, text: string) {
	return page.getByRole('main').getByRole('listitem').filter({ hasText: text });
}

/** Through the Data screen, as a person would find it. */
async function openTrash(page: Page): Promise<void> {
	await page.goto('/data');
	await page.getByRole('link', { name: 'Open Recently deleted' }).click();
	await expect(page).toHaveURL('/trash');
	await expect(page.getByRole('heading', { name: 'Recently deleted', level: 1 })).toBeVisible();
}

test('trash restore on a second device', async ({ browser }) => {
	const username = `e2e_trash_${Date.now().toString(36)}`;
	const a = await openDevice(browser);
	await signIn(a, username, 'Create account');
	await capture(a, 'bring me back #errands');
	await item(a, 'bring me back').getByRole('button', { name: 'Pin' }).click();
	await capture(a, 'gone for good soon');
	await expect(status(a)).toHaveText('Synced');

	const b = await openDevice(browser);
	await signIn(b, username, 'Sign in');
	await expect(item(b, 'bring me back')).toBeVisible();

	// Deleted on A: out of both timelines, into the trash, with the undo notice still offered.
	const href = await item(a, 'bring me back')
		.getByRole('link', { name: /^Open thought/ })
		.getAttribute('href');
	await item(a, 'bring me back').getByRole('button', { name: 'Delete' }).click();
	await expect(a.getByRole('status', { name: 'Notifications' })).toContainText('Thought deleted');
	await expect(a.getByRole('button', { name: 'Undo' })).toBeVisible();
	await expect(everyItem(a, 'bring me back')).toHaveCount(0);
	await expect(everyItem(b, 'bring me back')).toHaveCount(0);

	// Its page on B says where it is.
	await b.goto(href!);
	await expect(b.getByRole('status').filter({ hasText: 'Recently deleted' })).toBeVisible();

	// Restored on B, from its trash: back on both devices exactly as it was (tag, pin).
	await openTrash(b);
	const trashed = trashList(b).getByRole('listitem').filter({ hasText: 'bring me back' });
	await expect(trashed).toContainText('30 days left');
	await expectNoSeriousViolations(b, 'trash with a thought in it');
	await expect(trashed.getByRole('button', { name: 'Restore' })).toHaveAccessibleDescription(
		/bring me back/
	);
	await trashed.getByRole('button', { name: 'Restore' }).click();
	await expect(b.getByText('Nothing here.')).toBeVisible();
	// The row went: focus did not go with it.
	await expect(b.getByRole('heading', { name: 'Recently deleted', level: 1 })).toBeFocused();
	const restored = item(a, 'bring me back');
	await expect(restored).toBeVisible();
	await expect(restored.getByRole('button', { name: 'Unpin' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	await expect(restored.getByRole('button', { name: 'Show #errands' })).toBeVisible();

	// Deleted on A again, seen live in B's trash, emptied there: gone from A's trash too.
	await item(a, 'gone for good soon').getByRole('button', { name: 'Delete' }).click();
	await expect(
		trashList(b).getByRole('listitem').filter({ hasText: 'gone for good soon' })
	).toBeVisible();
	await b.getByRole('button', { name: 'Empty trash' }).click();
	await expect(b.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await b.getByRole('button', { name: 'Delete for good' }).click();
	await expect(b.getByText('Nothing here.')).toBeVisible();
	await expect(status(b)).toHaveText('Synced');
	await openTrash(a);
	await expect(a.getByText('Nothing here.')).toBeVisible();
	await a.goto('/');
	await expect(item(a, 'bring me back')).toBeVisible();
	await expect(everyItem(a, 'gone for good soon')).toHaveCount(0);
});
