import { expect, test, type Browser, type Page } from '@playwright/test';
import { capture, expectNoSeriousViolations, timeline } from './support';

const password = 'a long test passphrase';

async function signUp(browser: Browser, handle: string): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await page.goto('/login');
	await page.getByRole('textbox', { name: 'Username' }).fill(handle);
	await page.getByRole('textbox', { name: 'Password' }).fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Synced');
	return page;
}

async function setVisibility(page: Page, text: string, visibility: 'public' | 'private') {
	await page.goto('/');
	await timeline(page)
		.getByRole('listitem')
		.filter({ hasText: text })
		.getByRole('link', { name: /^Open thought/ })
		.click();
	await page.getByRole('combobox', { name: 'Visibility' }).selectOption(visibility);
	await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Synced');
}

/** Posts are published when the relay stores the shard (~2 s after the edit): reload until. */
async function reloadUntil(page: Page, path: string, check: () => Promise<void>) {
	await expect(async () => {
		await page.goto(path);
		await check();
	}).toPass({ timeout: 20_000, intervals: [500] });
}

const feed = (page: Page) => page.getByRole('list', { name: 'Feed' });

test('publish, follow, feed, like, reply, notifications, unpublish', async ({ browser }) => {
	test.setTimeout(120_000);
	const stamp = Date.now().toString(36);
	const ana = await signUp(browser, `ana_${stamp}`);
	const bob = await signUp(browser, `bob_${stamp}`);
	await capture(ana, 'Ana shares a thought with everyone');
	await setVisibility(ana, 'Ana shares a thought', 'public');

	await bob.goto(`/people/ana_${stamp}`);
	await bob.getByRole('button', { name: 'Follow', exact: true }).click();
	await expect(bob.getByRole('button', { name: 'Unfollow' })).toBeVisible();
	await expect(bob.getByRole('status', { name: 'Pending actions' })).toHaveText('');
	// From the server once the outbox delivered the follow.
	await expect(async () => {
		await bob.reload();
		await bob.getByRole('button', { name: 'Followers (1)' }).click({ timeout: 1000 });
		await expect(bob.getByRole('list', { name: 'Followers' })).toHaveText(`@bob_${stamp}`, {
			timeout: 1000
		});
	}).toPass({ timeout: 15_000 });

	await reloadUntil(bob, '/feed', async () => {
		await expect(feed(bob).getByText('Ana shares a thought with everyone')).toBeVisible({
			timeout: 1000
		});
	});
	const like = feed(bob).getByRole('button', { name: 'Like', exact: true });
	await like.click();
	await expect(like).toHaveAttribute('aria-pressed', 'true');
	await expect(feed(bob).getByText('1 like', { exact: true })).toBeVisible();
	await expectNoSeriousViolations(bob, 'feed');
	await feed(bob).getByRole('button', { name: 'Write a reply' }).click();
	await feed(bob).getByRole('textbox', { name: 'Reply' }).fill('Bob agrees');
	await feed(bob).getByRole('button', { name: 'Send reply' }).click();
	await expect(bob.getByRole('status', { name: 'Pending actions' })).toHaveText('');

	await reloadUntil(ana, '/notifications', async () => {
		const list = ana.getByRole('list', { name: 'Notifications' });
		await expect(list.getByText('followed you')).toBeVisible({ timeout: 1000 });
		await expect(list.getByText('liked your post')).toBeVisible({ timeout: 1000 });
		await expect(list.getByText('replied')).toBeVisible({ timeout: 1000 });
	});
	await expectNoSeriousViolations(ana, 'notifications');
	await ana.goto('/feed');
	await feed(ana).getByRole('link', { name: '1 reply' }).click();
	await expect(ana.getByRole('list', { name: 'Replies' }).getByText('Bob agrees')).toBeVisible();
	await expectNoSeriousViolations(ana, 'thread');
	await ana.goto(`/people/bob_${stamp}`);
	await expect(ana.getByRole('button', { name: 'Follow', exact: true })).toBeVisible();
	await expectNoSeriousViolations(ana, 'person');
	await ana.goto(`/@ana_${stamp}`);
	await expect(ana.getByRole('list', { name: 'Posts' })).toBeVisible();
	await expectNoSeriousViolations(ana, 'public profile');

	await setVisibility(ana, 'Ana shares a thought', 'private');
	const visitor = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
	await reloadUntil(visitor, `/@ana_${stamp}`, async () => {
		await expect(visitor.getByText('No public posts yet.')).toBeVisible({ timeout: 1000 });
	});
	await bob.goto('/feed');
	await expect(bob.getByText('Ana shares a thought with everyone')).toHaveCount(0);
	await expect(bob.getByText(/Nothing here yet/)).toBeVisible();
});

test('likes and replies made offline land once, even when the first send is cut off', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const stamp = Date.now().toString(36);
	const ana = await signUp(browser, `cai_${stamp}`);
	const bob = await signUp(browser, `dee_${stamp}`);
	await capture(ana, 'Cai posts something to like');
	await setVisibility(ana, 'Cai posts something', 'public');
	await bob.goto(`/people/cai_${stamp}`);
	await bob.getByRole('button', { name: 'Follow', exact: true }).click();
	await reloadUntil(bob, '/feed', async () => {
		await expect(feed(bob).getByText('Cai posts something to like')).toBeVisible({ timeout: 1000 });
	});

	// Offline: the actions queue, and the feed still reads from its saved copy.
	await bob.context().setOffline(true);
	await feed(bob).getByRole('button', { name: 'Like', exact: true }).click();
	await feed(bob).getByRole('button', { name: 'Write a reply' }).click();
	await feed(bob).getByRole('textbox', { name: 'Reply' }).fill('Sent from the train');
	await feed(bob).getByRole('button', { name: 'Send reply' }).click();
	await expect(bob.getByRole('status', { name: 'Pending actions' })).toHaveText(
		'2 actions waiting to be sent'
	);
	await bob.reload();
	await expect(bob.getByText(/Offline: showing the feed as last read/)).toBeVisible();
	await expect(feed(bob).getByText('Cai posts something to like')).toBeVisible();

	// Back online, but the answer to the first send of each is lost: the server applied it,
	// the device does not know and sends again with the same key.
	const cut = new Set<string>();
	await bob.route(/\/api\/posts\/.*\/(like|replies)$/, async (route) => {
		const key = `${route.request().method()} ${route.request().url()}`;
		if (cut.has(key)) return route.continue();
		cut.add(key);
		await route.fetch();
		await route.abort('connectionreset');
	});
	await bob.context().setOffline(false);
	await expect(bob.getByRole('status', { name: 'Pending actions' })).toHaveText('', {
		timeout: 40_000
	});
	expect(cut.size).toBe(2);

	await reloadUntil(ana, '/feed', async () => {
		await expect(feed(ana).getByText('1 like', { exact: true })).toBeVisible({ timeout: 1000 });
	});
	await feed(ana).getByRole('link', { name: '1 reply' }).click();
	await expect(
		ana.getByRole('list', { name: 'Replies' }).getByText('Sent from the train')
	).toHaveCount(1);
});
