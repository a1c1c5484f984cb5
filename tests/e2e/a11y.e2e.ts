import { expect, test, type Page } from '@playwright/test';
import { capture, captureBox, expectNoSeriousViolations, openFilters, timeline } from './support';

async function openHome(page: Page): Promise<void> {
	await page.goto('/');
	await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Local only');
}

/** A realistic timeline: markdown, code, links, nested tags and a pinned thought. */
async function seedThoughts(page: Page): Promise<void> {
	await capture(page, 'Buy **oat milk** and _bread_ #errands', 'Buy oat milk and bread');
	await capture(
		page,
		'Read [the Yjs docs](https://docs.yjs.dev) about `Y.Map` #work/research',
		'Read the Yjs docs about Y.Map'
	);
	await capture(page, 'Ideas:\n\n- one\n- two\n\n> quote of the day #ideas', 'quote of the day');
	await capture(page, 'Call the plumber about the leak #home');
	const pinned = timeline(page).getByRole('listitem').filter({ hasText: 'Call the plumber' });
	await pinned.getByRole('button', { name: 'Pin' }).click();
	await expect(pinned.getByRole('button', { name: 'Unpin' })).toBeVisible();
}

test.describe('home', () => {
	test.beforeEach(async ({ page }) => {
		await openHome(page);
		await seedThoughts(page);
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		test(`with several thoughts, ${colorScheme} scheme`, async ({ page }) => {
			await page.emulateMedia({ colorScheme });
			// Direct children only: the Markdown list inside a thought has items too.
			await expect(timeline(page).locator(':scope > li')).toHaveCount(4);
			await expectNoSeriousViolations(page, `home (${colorScheme})`);
		});
	}

	test('with a search active', async ({ page }) => {
		await page.getByRole('searchbox', { name: 'Search thoughts' }).fill('milk');
		const results = page.getByRole('list', { name: 'Search results' });
		await expect(results.getByRole('listitem')).toHaveCount(1);
		await expectNoSeriousViolations(page, 'home with search results');
	});

	test('while editing a thought', async ({ page }) => {
		const item = timeline(page).getByRole('listitem').filter({ hasText: 'oat milk' });
		await item.getByRole('button', { name: 'Edit' }).click();
		await expect(page.getByRole('textbox', { name: 'Edit thought' })).toBeFocused();
		await expectNoSeriousViolations(page, 'home while editing');
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		test(`with the deleted notice, ${colorScheme} scheme`, async ({ page }) => {
			await page.emulateMedia({ colorScheme });
			const item = timeline(page).getByRole('listitem').filter({ hasText: 'oat milk' });
			await item.getByRole('button', { name: 'Delete' }).click();
			await expect(page.getByRole('status', { name: 'Notifications' })).toContainText(
				'Thought deleted'
			);
			await expectNoSeriousViolations(page, `home with the deleted notice (${colorScheme})`);
		});
	}

	test('with a tag filter', async ({ page }) => {
		await openFilters(page);
		await page
			.getByRole('group', { name: 'Tags' })
			.getByRole('button', { name: '#work 1 thought' })
			.click();
		await expect(timeline(page).getByRole('listitem')).toHaveCount(1);
		await expect(page.getByRole('button', { name: 'Clear filters' })).toBeVisible();
		await expectNoSeriousViolations(page, 'home with a tag filter');
	});
});

test('data screen', async ({ page }) => {
	await page.goto('/data');
	await expect(page.getByRole('heading', { name: 'Your data', level: 1 })).toBeVisible();
	await expectNoSeriousViolations(page, '/data');
});

test('sign-in screen, with an error shown', async ({ page }) => {
	await page.goto('/login');
	await expectNoSeriousViolations(page, '/login');
	await page.getByRole('textbox', { name: 'Username' }).fill('nobody_at_all');
	await page.getByRole('textbox', { name: 'Password' }).fill('not the password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert').filter({ hasText: 'Wrong username' })).toBeVisible();
	await expectNoSeriousViolations(page, '/login with an error');
});

test('account screen with its devices, signed in', async ({ page }) => {
	await page.goto('/login');
	await page.getByRole('textbox', { name: 'Username' }).fill(`a11y_${Date.now().toString(36)}`);
	await page.getByRole('textbox', { name: 'Password' }).fill('a long test passphrase');
	await page.getByRole('button', { name: 'Create account' }).click();
	await expect(page.getByRole('status', { name: 'Sync status' })).toHaveText('Synced');
	await page.goto('/account');
	await expect(page.getByRole('list', { name: 'Devices' }).getByRole('listitem')).toHaveCount(1);
	await expectNoSeriousViolations(page, '/account');
});

test('empty home in the dark scheme', async ({ page }) => {
	await page.emulateMedia({ colorScheme: 'dark' });
	await openHome(page);
	await expect(page.getByText('Nothing here yet.')).toBeVisible();
	await expectNoSeriousViolations(page, 'empty home (dark)');
});

/** Opens home with keyboard focus at the start of the document, as after a fresh page load. */
async function startAtTopOfPage(page: Page): Promise<void> {
	await openHome(page);
	// The capture box takes focus once mounted; wait for that so it cannot steal focus later.
	await expect(captureBox(page)).toBeFocused();
	// Moves the sequential focus starting point to the top of the page, as a fresh load has it: a
	// focusable mark before everything else takes focus, then goes (a click at the corner would
	// land in the header, after the skip link).
	await page.evaluate(() => {
		const mark = document.createElement('span');
		mark.tabIndex = -1;
		document.body.prepend(mark);
		mark.focus();
		mark.remove();
	});
	await expect(page.locator(':focus')).toHaveCount(0);
}

/** Where keyboard focus is, described by what a screen reader would announce. */
function describeFocus(page: Page) {
	return page.evaluate(() => {
		const el = document.activeElement as HTMLElement | null;
		if (!el || el === document.body) return { name: 'body', outline: 'none', width: 0 };
		const name = el.getAttribute('aria-label') ?? el.textContent?.trim() ?? '';
		const style = getComputedStyle(el);
		return {
			name: `${el.tagName.toLowerCase()}:${name}`,
			outline: style.outlineStyle,
			width: parseFloat(style.outlineWidth)
		};
	});
}

test('Tab order starts with the skip link and focus is visible', async ({ page }) => {
	await startAtTopOfPage(page);

	const stops: Awaited<ReturnType<typeof describeFocus>>[] = [];
	for (let i = 0; i < 12; i++) {
		await page.keyboard.press('Tab');
		stops.push(await describeFocus(page));
	}
	const names = stops.map((s) => s.name);
	expect(names[0], `first Tab stop in ${names.join(', ')}`).toBe('a:Skip to content');
	// Later stops may grow (a new header control) but these must keep their relative order.
	const wanted = ['a:Thoughts', 'a:Your data', 'textarea:New thought', 'input:Search thoughts'];
	const positions = wanted.map((name) => names.indexOf(name));
	expect(positions, `Tab stops: ${names.join(', ')}`).not.toContain(-1);
	expect(positions, `Tab stops: ${names.join(', ')}`).toEqual([...positions].sort((a, b) => a - b));
	for (const stop of stops.slice(0, positions.at(-1)! + 1)) {
		expect(stop.outline, `focus outline on ${stop.name}`).not.toBe('none');
		expect(stop.width, `focus outline width on ${stop.name}`).toBeGreaterThan(0);
	}
});

test('the skip link moves focus past the header', async ({ page }) => {
	await startAtTopOfPage(page);
	await page.keyboard.press('Tab');
	const skip = page.getByRole('link', { name: 'Skip to content' });
	await expect(skip).toBeFocused();
	await expect(skip).toBeInViewport();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/#main$/);
	await page.keyboard.press('Tab');
	await expect(captureBox(page)).toBeFocused();
});
