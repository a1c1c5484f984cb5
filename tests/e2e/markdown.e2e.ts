import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { renderMarkdown } from '../../sync/markdown/render';
import { MARKDOWN_FIXTURE, XSS_CORPUS, unsafeMarkup } from '../fixtures/markdown';
import { capture, expectNoSeriousViolations, timeline } from './support';

/**
 * Markdown on every surface (issue 17.2): the private timeline, the feed, notifications, the
 * app's post page and the server's `/@handle` pages show one fixture identically, task boxes
 * tick the thought on the timeline only, and the XSS corpus stays inert everywhere.
 */

const password = 'a long test passphrase';
const status = (page: Page) => page.getByRole('status', { name: 'Sync status' });
const feed = (page: Page) => page.getByRole('list', { name: 'Feed' });

async function signUp(browser: Browser, handle: string, dialogs: string[]): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	watchDialogs(page, dialogs);
	await page.goto('/login');
	await page.getByRole('textbox', { name: 'Username' }).fill(handle);
	await page.getByRole('textbox', { name: 'Password' }).fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(status(page)).toHaveText('Synced');
	return page;
}

/** Every payload calls alert(): any dialog at all means one of them ran. */
function watchDialogs(page: Page, dialogs: string[]): void {
	page.on('dialog', (dialog) => {
		dialogs.push(dialog.message());
		void dialog.dismiss();
	});
}

async function captureShared(page: Page, text: string, shown: string): Promise<void> {
	await page.goto('/');
	await page
		.getByRole('combobox', { name: 'Visibility of the new thought' })
		.selectOption('public');
	await capture(page, text, shown);
	await expect(status(page)).toHaveText('Synced');
}

/** A thought's markup as shown; ticking allowed (the owner's timeline) is the one difference. */
function normalised(element: Element): string {
	const copy = element.cloneNode(true) as Element;
	for (const box of Array.from(copy.querySelectorAll('input'))) box.removeAttribute('disabled');
	return copy.innerHTML.replace(/>\s+</g, '><').trim();
}

/** The shared renderer's output for the fixture, as this browser parses and serialises it. */
async function expectedMarkup(page: Page): Promise<string> {
	const parsed = await page.evaluateHandle(
		(html) => new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html').body,
		renderMarkdown(MARKDOWN_FIXTURE)
	);
	return parsed.evaluate(normalised);
}

async function expectShownAs(shown: Locator, expected: string): Promise<void> {
	await expect(shown).toBeVisible();
	await expect.poll(() => shown.evaluate(normalised)).toBe(expected);
}

async function expectInert(shown: Locator, atLeast: number): Promise<void> {
	await expect.poll(() => shown.count()).toBeGreaterThanOrEqual(atLeast);
	for (const one of await shown.all()) expect(await one.evaluate(unsafeMarkup)).toEqual([]);
}

/** Posts appear when the relay stores the shard (~2 s after the edit): reload until. */
async function reloadUntil(page: Page, path: string, shown: Locator): Promise<void> {
	await expect(async () => {
		await page.goto(path);
		await expect(shown).toBeVisible({ timeout: 1000 });
	}).toPass({ timeout: 20_000, intervals: [500] });
}

async function follow(page: Page, handle: string): Promise<void> {
	await page.goto(`/people/${handle}`);
	await page.getByRole('button', { name: 'Follow', exact: true }).click();
	await expect(page.getByRole('button', { name: 'Unfollow' })).toBeVisible();
	await expect(page.getByRole('status', { name: 'Pending actions' })).toHaveText('');
}

test('one Markdown fixture renders the same on every surface; its task boxes tick the thought', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const stamp = Date.now().toString(36);
	const dialogs: string[] = [];
	const ana = await signUp(browser, `mda_${stamp}`, dialogs);
	const bob = await signUp(browser, `mdb_${stamp}`, dialogs);
	const expected = await expectedMarkup(ana);

	await capture(ana, MARKDOWN_FIXTURE, 'Bob lent me Piranesi');
	// Found by its link, not its text: while it is edited, the text is in a textarea.
	const href = await timeline(ana)
		.getByRole('listitem')
		.filter({ hasText: 'Bob lent me Piranesi' })
		.getByRole('link', { name: /^Open thought/ })
		.getAttribute('href');
	const item = timeline(ana)
		.getByRole('listitem')
		.filter({ has: ana.locator(`a[href="${href}"]`) });
	const shown = item.locator('.markdown');
	await expectShownAs(shown, expected);
	await expect(shown.locator('strong')).toHaveText('Bob');
	await expect(shown.getByRole('link', { name: 'Piranesi' })).toHaveAttribute(
		'href',
		'https://example.com/piranesi'
	);
	await expect(shown.locator('blockquote')).toHaveCSS('border-left-style', 'solid');
	await expectNoSeriousViolations(ana, 'timeline with Markdown');

	// A tick edits the thought through the replica: it survives a reload.
	const task = item.getByRole('checkbox', { name: 'return Piranesi' });
	await expect(task).toBeEnabled();
	await expect(task).not.toBeChecked();
	await task.click();
	await expect(task).toBeChecked();
	// Rendered again from the edited text: the attribute, not only the live state, is set.
	await expect(shown.locator('input[data-task="0"]')).toHaveAttribute('checked', '');
	await item.getByRole('button', { name: 'Edit', exact: true }).click();
	await expect(item.getByRole('textbox', { name: 'Edit thought' })).toHaveValue(
		MARKDOWN_FIXTURE.replace('- [ ] return', '- [x] return')
	);
	await item.getByRole('button', { name: 'Done' }).click();
	await expect(status(ana)).toHaveText('Synced');
	await ana.reload();
	await expect(task).toBeChecked();
	// From the keyboard, focus stays on the box the re-render replaced.
	await task.focus();
	await task.press('Space');
	await expect(task).not.toBeChecked();
	// The markup carries the new state only once re-rendered from the edited text.
	await expectShownAs(shown, expected);
	await expect(task).toBeFocused();
	await expect(status(ana)).toHaveText('Synced');

	await item.getByRole('link', { name: /^Open thought/ }).click();
	await ana.getByRole('combobox', { name: 'Visibility', exact: true }).selectOption('public');
	await expect(status(ana)).toHaveText('Synced');

	await follow(bob, `mda_${stamp}`);
	const card = feed(bob).locator('.markdown').filter({ hasText: 'Bob lent me Piranesi' });
	await reloadUntil(bob, '/feed', card);
	await expectShownAs(card, expected);
	await expect(feed(bob).getByRole('checkbox', { name: 'return Piranesi' })).toBeDisabled();
	await feed(bob).getByRole('button', { name: 'Like', exact: true }).click();
	await expect(bob.getByRole('status', { name: 'Pending actions' })).toHaveText('');

	await feed(bob).getByRole('link', { name: '0 replies' }).click();
	await expectShownAs(bob.locator('.post .markdown'), expected);

	const notifications = ana.getByRole('list', { name: 'Notifications' });
	await reloadUntil(ana, '/notifications', notifications.getByText('liked your post'));
	await expectShownAs(notifications.locator('.markdown'), expected);

	const visitor = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
	const profile = visitor.getByRole('list', { name: 'Posts' }).locator('.markdown');
	await reloadUntil(visitor, `/@mda_${stamp}`, profile);
	await expectShownAs(profile, expected);
	await visitor.getByRole('list', { name: 'Posts' }).getByRole('link').last().click();
	await expectShownAs(visitor.locator('article .markdown'), expected);
	await expect(visitor.getByRole('checkbox', { name: 'return Piranesi' })).toBeDisabled();
	expect(dialogs).toEqual([]);
});

test('the XSS corpus stays inert on the timeline, feed, notifications and post pages', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const stamp = Date.now().toString(36);
	const dialogs: string[] = [];
	const ana = await signUp(browser, `xsa_${stamp}`, dialogs);
	const bob = await signUp(browser, `xsb_${stamp}`, dialogs);
	// Four thoughts of about 22 payloads each: the whole corpus, on every surface.
	const size = Math.ceil(XSS_CORPUS.length / 4);
	const parts = [0, 1, 2, 3].map((n) => XSS_CORPUS.slice(n * size, (n + 1) * size));
	for (const [n, payloads] of parts.entries()) {
		await captureShared(
			ana,
			[`Corpus part ${n + 1}`, ...payloads].join('\n\n'),
			`Corpus part ${n + 1}`
		);
	}
	await expectInert(timeline(ana).locator('.markdown'), parts.length);

	await follow(bob, `xsa_${stamp}`);
	await reloadUntil(bob, '/feed', feed(bob).getByText('Corpus part 4'));
	await expectInert(feed(bob).locator('.markdown'), parts.length);
	for (const like of await feed(bob).getByRole('button', { name: 'Like', exact: true }).all())
		await like.click();
	await expect(bob.getByRole('status', { name: 'Pending actions' })).toHaveText('');
	const posts = await feed(bob)
		.getByRole('link', { name: '0 replies' })
		.evaluateAll((links) => links.map((link) => link.getAttribute('href')!));
	expect(posts).toHaveLength(parts.length);
	for (const path of posts) {
		await bob.goto(path);
		await expectInert(bob.locator('.post .markdown'), 1);
	}

	const notifications = ana.getByRole('list', { name: 'Notifications' });
	await reloadUntil(ana, '/notifications', notifications.getByText('liked your post').nth(3));
	await expectInert(notifications.locator('.markdown'), parts.length);

	const visitor = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
	const profile = visitor.getByRole('list', { name: 'Posts' }).locator('.markdown');
	await reloadUntil(visitor, `/@xsa_${stamp}`, profile.first());
	await expectInert(profile, parts.length);
	await expect(visitor.locator('script, iframe, object, embed')).toHaveCount(0);
	expect(dialogs).toEqual([]);
});
