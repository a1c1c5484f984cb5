import { expect, type BrowserContext, type Page } from '@playwright/test';
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS } from '../../playwright.config';

export { CHROMIUM, CHROMIUM_ARGS };

export function captureBox(page: Page) {
	return page.getByRole('textbox', { name: 'New thought' });
}

export function timeline(page: Page) {
	return page.getByRole('list', { name: 'Thoughts' });
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
