import { expect, test, type Page } from '@playwright/test';
import { capture, captureBox, expectNoSeriousViolations, openFilters, timeline } from './support';

const password = 'a long test passphrase';
const LAPTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true };
const SMALL_PHONE = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true };

async function signUp(page: Page, prefix: string): Promise<string> {
	const username = `${prefix}_${Date.now().toString(36)}`;
	await page.goto('/login');
	await page.getByRole('textbox', { name: 'Username' }).fill(username);
	await page.getByRole('textbox', { name: 'Password' }).fill(password);
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page).toHaveURL('/');
	await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Synced');
	return username;
}

async function openHome(page: Page): Promise<void> {
	await page.goto('/');
	await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Local only');
}

/** Vertical centres of the header's parts: one row means they all line up. */
async function headerRowSpread(page: Page): Promise<number> {
	return page.getByRole('banner').evaluate((header) => {
		const parts = [...header.querySelectorAll('a, button, p')].filter(
			(part) => !part.closest('nav') || getComputedStyle(part.closest('nav')!).position !== 'fixed'
		);
		const centres = parts.map((part) => {
			const box = part.getBoundingClientRect();
			return box.top + box.height / 2;
		});
		return Math.max(...centres) - Math.min(...centres);
	});
}

async function expectNoSideScroll(page: Page, screen: string): Promise<void> {
	const { scroll, client } = await page.evaluate(() => ({
		scroll: document.documentElement.scrollWidth,
		client: document.documentElement.clientWidth
	}));
	expect(scroll, `${screen} is ${scroll}px wide in a ${client}px window`).toBeLessThanOrEqual(
		client
	);
}

test.describe('laptop, 1280×800', () => {
	test.use(LAPTOP);

	test('the signed-in header is one row and says who is signed in', async ({ page }) => {
		const username = await signUp(page, 'wide');
		const header = page.getByRole('banner');
		await expect(header).toContainText(`Signed in as ${username}`);
		await expect(header.getByRole('navigation', { name: 'Main' })).toBeVisible();
		await expect(header.getByRole('button', { name: 'Sign out' })).toBeVisible();
		expect(await headerRowSpread(page)).toBeLessThan(12);
		await expect(captureBox(page)).toHaveAccessibleDescription(/^Ctrl\+Enter to save/);
		await expectNoSeriousViolations(page, 'signed-in home, laptop');
	});
});

test.describe('phone, 390×844', () => {
	test.use(PHONE);

	test('the links are a tab bar at the bottom and the first thought is high up', async ({
		page
	}) => {
		await openHome(page);
		for (const text of ['first errand #errands', 'second idea #ideas', 'third note'])
			await capture(page, text);
		const nav = page.getByRole('navigation', { name: 'Main' });
		const bar = (await nav.boundingBox())!;
		expect(bar.y + bar.height, 'bottom of the tab bar').toBeGreaterThan(840);
		expect(bar.y + bar.height, 'bottom of the tab bar').toBeLessThanOrEqual(845);
		for (const name of ['Thoughts', 'Your data', 'AI usage', 'Sign in'])
			await expect(nav.getByRole('link', { name })).toBeInViewport();
		expect(await headerRowSpread(page)).toBeLessThan(12);

		const first = (await timeline(page).locator(':scope > li').first().boundingBox())!;
		expect(first.y, 'top of the first thought').toBeLessThan(844 / 2);
		await expectNoSeriousViolations(page, 'home, phone');
	});

	test('hints speak of tapping, not of Ctrl+Enter', async ({ page }) => {
		await openHome(page);
		await expect(captureBox(page)).toHaveAccessibleDescription(/^Tap Save thought/);
		await capture(page, 'edit me on the phone');
		await timeline(page).getByRole('button', { name: 'Edit' }).tap();
		await expect(page.getByText('Tap Done when finished.')).toBeVisible();
		await expect(page.getByText(/Ctrl\+Enter/)).toHaveCount(0);
	});

	test('the signed-in header fits one row with the account in it', async ({ page }) => {
		const username = await signUp(page, 'narrow');
		await expect(page.getByRole('banner')).toContainText(`Signed in as ${username}`);
		expect(await headerRowSpread(page)).toBeLessThan(12);
		await expectNoSideScroll(page, 'signed-in home, phone');
	});
});

for (const [size, options] of [
	['laptop', LAPTOP],
	['phone', PHONE]
] as const) {
	test.describe(`home on a ${size}`, () => {
		test.use(options);

		test('filters sit behind a button', async ({ page }) => {
			await openHome(page);
			await capture(page, 'filed under #work/meetings');
			const toggle = page.getByRole('button', { name: 'Filters', exact: true });
			await expect(toggle).toHaveAttribute('aria-expanded', 'false');
			const panel = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
			await expect(panel).toBeHidden();
			await expect(page.getByRole('checkbox', { name: 'Pinned only' })).toBeHidden();
			await openFilters(page);
			await expect(panel).toBeVisible();
			await expect(panel.getByRole('button', { name: '#work/meetings 1 thought' })).toBeVisible();
			await expectNoSeriousViolations(page, `home with the filters open, ${size}`);
			await toggle.click();
			await expect(panel).toBeHidden();
		});

		test('each date filter is one tab stop', async ({ page }) => {
			await openHome(page);
			await openFilters(page);
			const from = page.getByRole('textbox', { name: 'From', exact: true });
			const to = page.getByRole('textbox', { name: 'To', exact: true });
			await from.focus();
			await page.keyboard.press('Tab');
			await expect(to).toBeFocused();
			await page.keyboard.press('Tab');
			await expect(page.getByRole('checkbox', { name: 'Pinned only' })).toBeFocused();
			await page.keyboard.press('Shift+Tab');
			await page.keyboard.press('Shift+Tab');
			await expect(from).toBeFocused();
		});

		test('a pinned thought is shown once, and the count stays right', async ({ page }) => {
			await openHome(page);
			for (const text of ['pin me', 'leave me', 'and me']) await capture(page, text);
			const thoughts = page.getByRole('list', { name: 'Thoughts', exact: true });
			await thoughts
				.getByRole('listitem')
				.filter({ hasText: 'pin me' })
				.getByRole('button', { name: 'Pin' })
				.click();
			const pinned = page.getByRole('list', { name: 'Pinned' });
			await expect(pinned.locator(':scope > li')).toHaveCount(1);
			await expect(pinned).toContainText('pin me');
			await expect(thoughts.locator(':scope > li')).toHaveCount(2);
			await expect(thoughts).not.toContainText('pin me');
			await expect(page.getByText('3 thoughts', { exact: true })).toBeVisible();
			await expect(page.getByText(/pin me/)).toHaveCount(1);
		});
	});
}

test.describe('no screen scrolls sideways at 360 px', () => {
	test.use(SMALL_PHONE);

	/** Content that tends to push a page wide: a long word, a long URL, a long nested tag. */
	const WIDE =
		'Supercalifragilisticexpialidociousandthensomemorelettersthatdonotbreak ' +
		'https://example.com/a/very/long/path/that/goes/on/and/on/without/any/spaces/at/all ' +
		'#averyveryverylongtagnamewithoutbreaks/andanestedpartthatislongtoo';

	test('signed out', async ({ page }) => {
		await openHome(page);
		await capture(page, WIDE, 'Supercalifragilistic');
		const id = (await timeline(page)
			.getByRole('link', { name: /^Open thought/ })
			.getAttribute('href'))!;
		for (const route of ['/', id, '/data', '/ai', '/login', '/trash']) {
			await page.goto(route);
			await expect(page.getByRole('main')).not.toBeEmpty();
			await expect(page.getByText('Opening your thoughts…')).toHaveCount(0);
			await expectNoSideScroll(page, route);
			await expectNoSeriousViolations(page, `${route} at 360 px, signed out`);
		}
		await page.goto('/');
		await openFilters(page);
		await expectNoSideScroll(page, '/ with the filters open');
	});

	test('signed in, every route', async ({ page }) => {
		test.setTimeout(120_000);
		const username = await signUp(page, 'w360');
		await page
			.getByRole('combobox', { name: 'Visibility of the new thought' })
			.selectOption('public');
		await capture(page, WIDE, 'Supercalifragilistic');
		const thought = (await timeline(page)
			.getByRole('link', { name: /^Open thought/ })
			.getAttribute('href'))!;
		// Published when the relay stores the shard, a moment after the edit.
		await expect(async () => {
			await page.goto(`/people/${username}`);
			await expect(page.getByRole('list', { name: 'Posts' }).getByRole('listitem')).toHaveCount(1, {
				timeout: 1000
			});
		}).toPass({ timeout: 20_000, intervals: [500] });
		await page.getByRole('link', { name: '0 replies' }).click();
		await expect(page).toHaveURL(/\/posts\//);
		const post = new URL(page.url()).pathname;

		const routes = [
			'/',
			thought,
			'/data',
			'/ai',
			'/feed',
			'/notifications',
			'/analytics',
			'/account',
			'/trash',
			'/people',
			`/people/${username}`,
			post
		];
		for (const route of routes) {
			await page.goto(route);
			await expect(page.getByRole('main')).not.toBeEmpty();
			await expect(page.getByText('Opening your thoughts…')).toHaveCount(0);
			await expectNoSideScroll(page, route);
			await expectNoSeriousViolations(page, `${route} at 360 px, signed in`);
		}
	});
});
