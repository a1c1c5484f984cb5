import { expect, test, type Locator, type Page } from '@playwright/test';
import { capture, openDevice, signIn, syncStatus as status, timeline } from './support';

async function editThought(
	page: Page,
	text: string,
	moveCaret: (box: Locator) => Promise<void>,
	typed: string
): Promise<void> {
	const item = timeline(page).getByRole('listitem').filter({ hasText: text });
	await item.getByRole('button', { name: 'Edit' }).click();
	const box = page.getByRole('textbox', { name: 'Edit thought' });
	await moveCaret(box);
	await box.pressSequentially(typed);
	await box.press('Control+Enter');
}

test('an account keeps two devices in step, through an offline period', async ({ browser }) => {
	const username = `e2e_${Date.now().toString(36)}`;
	const a = await openDevice(browser);
	await capture(a, 'written before there was an account');
	await signIn(a, username, 'Create account');
	// The local-only thought moved into the account: exactly once.
	await expect(timeline(a).getByText('written before there was an account')).toHaveCount(1);
	await capture(a, 'first thought with an account');
	await expect(status(a)).toHaveText('Synced');

	const b = await openDevice(browser);
	await signIn(b, username, 'Sign in');
	await expect(timeline(b).getByText('written before there was an account')).toBeVisible();
	await expect(timeline(b).getByText('first thought with an account')).toBeVisible();

	// Live: a thought on one device shows on the other without a reload.
	await capture(b, 'typed on device B');
	await expect(timeline(a).getByText('typed on device B')).toBeVisible();

	// A goes offline and keeps writing; B writes meanwhile.
	await a.context().setOffline(true);
	await capture(a, 'written on A while offline');
	await expect(status(a)).toHaveText('Not synced (1)');
	await expect(
		timeline(a).getByRole('listitem').filter({ hasText: 'written on A while offline' })
	).toContainText('Not synced');
	await capture(b, 'written on B while A was offline');
	// Both edit the same thought: A at the end (offline), B at the start.
	await editThought(a, 'first thought with an account', (box) => box.press('End'), ' (A, offline)');
	await editThought(b, 'first thought with an account', (box) => box.press('Home'), 'B: ');

	await a.context().setOffline(false);
	await expect(timeline(a).getByText('written on B while A was offline')).toBeVisible();
	await expect(timeline(b).getByText('written on A while offline')).toBeVisible();
	await expect(status(a)).toHaveText('Synced');
	await expect(timeline(a).getByText('Not synced')).toHaveCount(0);
	for (const page of [a, b]) {
		await expect(
			timeline(page).getByText('B: first thought with an account (A, offline)')
		).toBeVisible();
	}

	const texts = async (page: Page) =>
		(await timeline(page).locator(':scope > li .text').allTextContents())
			.map((t) => t.trim())
			.sort();
	expect(await texts(a)).toEqual(await texts(b));
	expect(await texts(a)).toHaveLength(5);
});

test('signing out a device from another stops it at once', async ({ browser }) => {
	const username = `e2e_revoke_${Date.now().toString(36)}`;
	const a = await openDevice(browser);
	await signIn(a, username, 'Create account');
	const b = await openDevice(browser);
	await signIn(b, username, 'Sign in');

	await a.goto('/account');
	const devices = a.getByRole('list', { name: 'Devices' });
	await expect(devices.getByRole('listitem')).toHaveCount(2);
	await devices
		.getByRole('listitem')
		.filter({ hasNotText: 'this device' })
		.getByRole('button', { name: 'Sign out' })
		.click();
	await expect(devices.getByRole('listitem')).toHaveCount(1);

	// B's socket is closed by the relay; its session check then signs it out locally.
	await expect(status(b)).toHaveText('Local only');
	await expect(b.getByRole('link', { name: 'Sign in' })).toBeVisible();
});
