import { expect, test, type Page } from '@playwright/test';
import { capture, timeline } from './support';

function status(page: Page) {
	return page.getByRole('status', { name: 'Sync status' });
}

/** The relay stores (and so publishes) about 2 s after the last change: reload until it shows. */
async function expectProfile(page: Page, handle: string, text: string, shown: boolean) {
	await expect(async () => {
		await page.goto(`/@${handle}`);
		const posts = page.getByRole('list', { name: 'Posts' }).getByText(text);
		await expect(posts).toHaveCount(shown ? 1 : 0, { timeout: 500 });
		if (shown) return;
		await expect(page.getByText(text)).toHaveCount(0, { timeout: 500 });
	}).toPass({ timeout: 20_000, intervals: [500] });
}

test('a thought made public shows on the profile without JavaScript, and leaves it when private again', async ({
	page,
	browser
}) => {
	const handle = `pub_${Date.now().toString(36)}`;
	await page.goto('/login');
	await page.getByRole('textbox', { name: 'Username' }).fill(handle);
	await page.getByRole('textbox', { name: 'Password' }).fill('a long test passphrase');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(status(page)).toHaveText('Synced');
	await capture(page, 'Sharing this one with the world');
	await capture(page, 'This one stays mine');

	await timeline(page)
		.getByRole('listitem')
		.filter({ hasText: 'Sharing this one' })
		.getByRole('link', { name: /^Open thought/ })
		.click();
	const visibility = page.getByRole('combobox', { name: 'Visibility' });
	await expect(visibility).toHaveValue('private');
	await visibility.selectOption('public');
	await expect(page.getByText(`/@${handle}/`)).toBeVisible();
	await expect(status(page)).toHaveText('Synced');

	// An anonymous visitor with JavaScript off: the server-rendered profile lists the post.
	const visitor = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
	await expectProfile(visitor, handle, 'Sharing this one with the world', true);
	await expect(visitor.getByText('This one stays mine')).toHaveCount(0);
	await expect(visitor.locator('meta[property="og:title"]')).toHaveAttribute(
		'content',
		`@${handle} on Thoughts10x`
	);
	await visitor
		.getByRole('link', { name: /\d{4}-\d{2}-\d{2}/ })
		.first()
		.click();
	await expect(visitor.getByText('Sharing this one with the world')).toBeVisible();

	// Private again: gone for the visitor.
	await visibility.selectOption('private');
	await expect(status(page)).toHaveText('Synced');
	await expectProfile(visitor, handle, 'Sharing this one with the world', false);
	await expect(visitor.getByText('No public posts yet.')).toBeVisible();
	await visitor.context().close();
});
