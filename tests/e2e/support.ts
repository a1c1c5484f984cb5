import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS } from '../../playwright.config';
import { generateThoughts } from '../../scripts/seed-data';
import { toExportJson } from '../../src/lib/features/data/export-files';

export { CHROMIUM, CHROMIUM_ARGS };

export function captureBox(page: Page) {
	return page.getByRole('textbox', { name: 'New thought' });
}

/**
 * The home screen's thoughts: the timeline and, above it, the Pinned list (a pinned thought is
 * shown in one of the two, never both). Tests about which list holds a thought name the list.
 */
export function timeline(page: Page) {
	return page.getByRole('list', { name: /^(Pinned|Thoughts)$/ });
}

/** Opens the filter panel (closed by default, so the timeline starts high on a phone). */
export async function openFilters(page: Page): Promise<void> {
	const toggle = page.getByRole('button', { name: 'Filters', exact: true });
	if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
	await expect(toggle).toHaveAttribute('aria-expanded', 'true');
}

/** Saves a thought; `shown` is how it reads once rendered, when Markdown changes it. */
export async function capture(page: Page, text: string, shown = text): Promise<void> {
	await captureBox(page).fill(text);
	await page.getByRole('button', { name: 'Save thought' }).click();
	await expect(
		timeline(page).getByRole('listitem').filter({ hasText: shown }).first()
	).toBeVisible();
	await expect(captureBox(page)).toHaveValue('');
}

/**
 * Waits until the service worker controls the page. The worker uses the update prompt
 * (no clientsClaim), so the first visit is only controlled after one reload.
 */
export async function waitForServiceWorker(page: Page): Promise<void> {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
	await page.waitForFunction(() => !!navigator.serviceWorker.controller);
}

/** A real, on-disk browser profile: service workers and IndexedDB survive a relaunch. */
export function newProfileDir(): string {
	return mkdtempSync(join(tmpdir(), 't10x-profile-'));
}

export async function launchProfile(
	dir: string,
	baseURL: string,
	options: { offline?: boolean } = {}
): Promise<BrowserContext> {
	return chromium.launchPersistentContext(dir, {
		executablePath: CHROMIUM,
		args: CHROMIUM_ARGS,
		headless: true,
		baseURL,
		offline: options.offline ?? false,
		acceptDownloads: true
	});
}

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Scans the page and fails on serious or critical violations, naming each rule and node. */
export async function expectNoSeriousViolations(page: Page, state: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
	const report = serious
		.map((v) => {
			const nodes = v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.failureSummary ?? ''}`);
			return `  ${v.id} (${v.impact}): ${v.help}\n${nodes.join('\n')}`;
		})
		.join('\n');
	expect(serious, `axe violations on ${state}:\n${report}`).toEqual([]);
}

const PASSWORD = 'a long test passphrase';

export function syncStatus(page: Page) {
	return page.getByRole('status', { name: 'Sync status' });
}

/** A new browser profile on the home screen, not signed in. */
export async function openDevice(browser: Browser): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await page.goto('/');
	await expect(syncStatus(page)).toHaveText('Local only');
	return page;
}

/** Signs in (or creates the account) and waits until everything is synced. */
export async function signIn(page: Page, username: string, button: 'Sign in' | 'Create account') {
	await page.goto('/login');
	await page.getByRole('textbox', { name: 'Username' }).fill(username);
	await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
	await page.getByRole('button', { name: button }).click();
	await expect(page).toHaveURL('/');
	await expect(syncStatus(page)).toHaveText('Synced');
}

/**
 * Imports `count` seeded thoughts, all private (so no publish question), through /data. A fixed
 * `end` day keeps the library, its ids and so the held-out split the same every run.
 */
export async function importSeededLibrary(page: Page, count: number, seed: number, end: number) {
	const dir = mkdtempSync(join(tmpdir(), 't10x-library-'));
	const file = join(dir, `library-${count}-${seed}.json`);
	const thoughts = generateThoughts(count, seed, end).map((t) => ({
		...t,
		visibility: 'private' as const
	}));
	writeFileSync(file, toExportJson(thoughts, new Date(end)));
	try {
		await page.goto('/data');
		await page.getByLabel('Import a JSON or Markdown zip export').setInputFiles(file);
		await expect(page.getByRole('status', { name: 'Data result' })).toHaveText(
			new RegExp(`Imported ${count} new thoughts`),
			{ timeout: 90_000 }
		);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
