import { expect, test, type Browser, type Page } from '@playwright/test';
import { capture, expectNoSeriousViolations, timeline } from './support';

/**
 * Issue 17 item 7: pressed likes, labelled and focused replies, faces and names on cards, people
 * search, device names, and what to do without JavaScript.
 */
const password = 'a long test passphrase';
/** A real 1×1 PNG, so the avatar renders as an image. */
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
	'base64'
);
const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

async function signUp(browser: Browser, handle: string, userAgent?: string): Promise<Page> {
	const page = await (await browser.newContext({ userAgent })).newPage();
	await page.goto('/login');
	await page.getByRole('textbox', { name: 'Username' }).fill(handle);
	await page.getByRole('textbox', { name: 'Password' }).fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Synced');
	return page;
}

async function nameMyself(page: Page, displayName: string, withAvatar: boolean): Promise<void> {
	await page.goto('/account');
	await page.getByRole('textbox', { name: 'Display name' }).fill(displayName);
	const saved = page.waitForResponse((r) => r.url().endsWith('/api/profile') && r.ok());
	await page.getByRole('button', { name: 'Save profile' }).click();
	await saved;
	if (!withAvatar) return;
	const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/profile/avatar') && r.ok());
	await page
		.getByLabel(/^Avatar/)
		.setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
	await uploaded;
}

async function makePublic(page: Page, text: string): Promise<void> {
	await page.goto('/');
	await timeline(page)
		.getByRole('listitem')
		.filter({ hasText: text })
		.getByRole('link', { name: /^Open thought/ })
		.click();
	await page.getByRole('combobox', { name: 'Visibility' }).selectOption('public');
	await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Synced');
}

/** Posts are published when the relay stores the shard (~2 s after the edit): reload until. */
async function reloadUntil(page: Page, path: string, check: () => Promise<void>) {
	await expect(async () => {
		await page.goto(path);
		await check();
	}).toPass({ timeout: 20_000, intervals: [500] });
}

test('people search, faces and names on cards, pressed likes, a reply box that takes focus', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const stamp = Date.now().toString(36);
	const ana = await signUp(browser, `ana_${stamp}`);
	await nameMyself(ana, 'Ana Lima', true);
	await ana.goto('/');
	await capture(ana, 'Ana says hello to new people');
	await makePublic(ana, 'Ana says hello');
	const bob = await signUp(browser, `bob_${stamp}`);
	await nameMyself(bob, 'Bob Stone', false);

	// Find Ana from the feed by the start of her handle, typed as a person would.
	await bob.goto('/feed');
	await bob.getByRole('link', { name: 'Find people' }).click();
	await expect(bob.getByRole('heading', { name: 'People', level: 1 })).toBeVisible();
	const query = bob.getByRole('searchbox', { name: 'Search people by handle' });
	const results = bob.getByRole('status', { name: 'Search results' });
	await query.fill('ana lima');
	await expect(results).toHaveText('Handles have only letters, digits and underscores.');
	await query.fill(`@ANA_${stamp}`);
	const found = bob.getByRole('list', { name: 'People found' });
	const anaLink = found.getByRole('link', { name: `Ana Lima @ana_${stamp}` });
	await expect(anaLink).toBeVisible();
	await expect(results).toHaveText('1 person');
	await expect(anaLink.locator('img')).toHaveAttribute('src', `/@ana_${stamp}/avatar`);
	await expect(anaLink.locator('img')).toHaveJSProperty('naturalWidth', 1);
	await expectNoSeriousViolations(bob, 'people search');
	await bob.setViewportSize({ width: 360, height: 740 });
	const sideScroll = await bob.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(sideScroll, 'people search scrolls sideways at 360 px').toBeLessThanOrEqual(0);
	await expectNoSeriousViolations(bob, 'people search at 360 px');
	await bob.setViewportSize({ width: 1280, height: 800 });
	await query.fill(`nobody_${stamp}`);
	await expect(results).toHaveText(`Nobody’s handle starts with “nobody_${stamp}”.`);

	await query.fill(`ana_${stamp}`);
	await anaLink.click();
	await expect(bob.getByRole('heading', { name: 'Ana Lima', level: 1 })).toBeVisible();
	await bob.getByRole('button', { name: 'Follow', exact: true }).click();
	await expect(bob.getByRole('status', { name: 'Pending actions' })).toHaveText('');

	// The feed card: Ana's face and name, and her handle.
	const feed = bob.getByRole('list', { name: 'Feed' });
	const card = feed.getByRole('article', { name: `Ana Lima @ana_${stamp}` });
	await reloadUntil(bob, '/feed', async () => {
		await expect(card.getByText('Ana says hello to new people')).toBeVisible({ timeout: 1000 });
	});
	await expect(card.locator('img')).toHaveAttribute('src', `/@ana_${stamp}/avatar`);

	// Like says whether it is pressed, both ways.
	const like = card.getByRole('button', { name: 'Like', exact: true });
	await expect(like).toHaveAttribute('aria-pressed', 'false');
	await like.click();
	await expect(like).toHaveAttribute('aria-pressed', 'true');
	await expect(card.getByText('1 like', { exact: true })).toBeVisible();
	await like.click();
	await expect(like).toHaveAttribute('aria-pressed', 'false');
	await expect(card.getByText('0 likes', { exact: true })).toBeVisible();
	await like.click();
	await expect(like).toHaveAttribute('aria-pressed', 'true');

	// "Write a reply" opens a labelled box with the caret in it: typing needs no click.
	const write = card.getByRole('button', { name: 'Write a reply' });
	await write.click();
	const box = card.getByRole('textbox', { name: 'Reply to Ana Lima' });
	await expect(box).toBeFocused();
	await expectNoSeriousViolations(bob, 'feed with the reply box open');
	await bob.keyboard.type('Hello back from Bob');
	await card.getByRole('button', { name: 'Send reply' }).click();
	await expect(write).toBeFocused();
	await expect(bob.getByRole('status', { name: 'Pending actions' })).toHaveText('');

	// Names and faces in lists and notifications too.
	await bob.goto(`/people/ana_${stamp}`);
	await bob.getByRole('button', { name: 'Followers (1)' }).click();
	await expect(
		bob
			.getByRole('list', { name: 'Followers' })
			.getByRole('link', { name: `Bob Stone @bob_${stamp}` })
	).toBeVisible();
	await reloadUntil(ana, '/notifications', async () => {
		const list = ana.getByRole('list', { name: 'Notifications' });
		await expect(list.getByRole('listitem').filter({ hasText: 'replied' })).toBeVisible({
			timeout: 1000
		});
	});
	const notifications = ana.getByRole('list', { name: 'Notifications' });
	await expect(
		notifications.getByRole('link', { name: `Bob Stone @bob_${stamp}` }).first()
	).toBeVisible();
	await expectNoSeriousViolations(ana, 'notifications with names');
});

test('each browser gets its own device name, and a device can be renamed', async ({ browser }) => {
	test.setTimeout(90_000);
	const handle = `dev_${Date.now().toString(36)}`;
	const firefox = await signUp(browser, handle, FIREFOX_ON_LINUX);
	const chrome = await (await browser.newContext()).newPage();
	await chrome.goto('/login');
	await chrome.getByRole('textbox', { name: 'Username' }).fill(handle);
	await chrome.getByRole('textbox', { name: 'Password' }).fill(password);
	await chrome.getByRole('button', { name: 'Sign in', exact: true }).click();
	await expect(chrome.getByRole('status', { name: 'Sync status' })).toHaveText('Synced');

	await chrome.goto('/account');
	const devices = chrome.getByRole('list', { name: 'Devices' });
	await expect(devices.getByRole('listitem')).toHaveCount(2);
	await expect(devices.getByText('Chrome on Linux (this device)')).toBeVisible();
	const other = devices.getByRole('listitem').filter({ hasText: 'Firefox on Linux' });
	await expect(other).toBeVisible();

	const rename = other.getByRole('button', { name: 'Rename' });
	await rename.click();
	const name = devices.getByRole('textbox', { name: 'New name for Firefox on Linux' });
	await expect(name).toBeFocused();
	await expectNoSeriousViolations(chrome, 'account with a device being renamed');
	await name.fill('  Work laptop (Firefox)  ');
	await devices.getByRole('button', { name: 'Save name' }).click();
	const renamed = devices.getByRole('listitem').filter({ hasText: 'Work laptop (Firefox)' });
	await expect(renamed).toBeVisible();
	await expect(renamed.getByRole('button', { name: 'Rename' })).toBeFocused();

	// The server kept it: the other browser sees its new name as its own.
	await firefox.goto('/account');
	await expect(
		firefox.getByRole('list', { name: 'Devices' }).getByText('Work laptop (Firefox) (this device)')
	).toBeVisible();
	await expectNoSeriousViolations(firefox, 'account devices');
});

test('with JavaScript off, the app says what to do', async ({ browser }) => {
	const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
	await page.goto('/');
	await expect(page.getByRole('heading', { name: 'Thoughts10x needs JavaScript' })).toBeVisible();
	await expect(page.getByText(/Turn JavaScript on for this site/)).toBeVisible();
	await expect(page.getByText(/Public profiles and posts work without it/)).toBeVisible();
});
