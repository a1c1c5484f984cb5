import { expect, test, type Locator, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { capture, importSeededLibrary } from './support';

/** A fixed day: the seeded library and so its data set are the same every run. */
const END = Date.UTC(2026, 0, 1);
const TAGGER = (version: number) => new RegExp(`^Personal tagger \\(\\d+ tags\\) v${version}$`);

async function openModels(page: Page): Promise<Locator> {
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'AI usage' })
		.click();
	return page.getByRole('region', { name: 'Models' });
}

/** Trains to the end; returns the new version's row, active (promoted by hand if need be). */
async function trainToEnd(models: Locator, version: number): Promise<Locator> {
	await models.getByRole('button', { name: 'Train tag model' }).click();
	const row = models.getByRole('group', { name: TAGGER(version) });
	await expect(row).toBeVisible({ timeout: 120_000 });
	await expect(models.getByRole('button', { name: 'Train tag model' })).toBeEnabled({
		timeout: 60_000
	});
	return row;
}

async function promote(row: Locator): Promise<void> {
	// The badge, not the "Active then" of the details.
	const badge = row.getByText('Active', { exact: true });
	if (!(await badge.isVisible())) await row.getByRole('button', { name: 'Promote' }).click();
	await expect(badge).toBeVisible();
}

/** The full sha256 a row shows (shortened on screen, whole in the title). */
const shaOf = (row: Locator) => row.locator('dd code').first().getAttribute('title');

/** The sha256 names of this device's stored blobs, read straight from IndexedDB. */
function storedBlobs(page: Page): Promise<string[]> {
	return page.evaluate(
		() =>
			new Promise<string[]>((resolve, reject) => {
				const open = indexedDB.open('t10x-blobs:local');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					if (!open.result.objectStoreNames.contains('bytes')) {
						open.result.close();
						return resolve([]);
					}
					const request = open.result.transaction('bytes').objectStore('bytes').getAllKeys();
					request.onsuccess = () => {
						open.result.close();
						resolve(request.result as string[]);
					};
					request.onerror = () => reject(request.error);
				};
			})
	);
}

test('training shows its epochs and loss, and a cancelled run saves nothing', async ({ page }) => {
	test.setTimeout(240_000);
	await importSeededLibrary(page, 3_000, 21, END);
	const models = await openModels(page);
	// Every text the training status shows, however briefly, recorded as it changes.
	await page.evaluate(() => {
		const seen: string[] = [];
		(window as unknown as { trainingTexts: string[] }).trainingTexts = seen;
		new MutationObserver(() => {
			const status = document.querySelector('.training [role="status"]');
			const text = status?.textContent?.replace(/\s+/g, ' ').trim();
			if (text && text !== seen.at(-1)) seen.push(text);
		}).observe(document.body, { subtree: true, childList: true, characterData: true });
	});

	await models.getByRole('button', { name: 'Train tag model' }).click();
	await expect(models.getByRole('progressbar', { name: 'Training tag model' })).toBeVisible();
	await models.getByRole('button', { name: 'Cancel' }).click();
	await expect(page.getByRole('status', { name: 'Notifications' })).toContainText(
		'Training cancelled. Nothing was saved.'
	);
	await expect(models.getByRole('button', { name: 'Train tag model' })).toBeEnabled();
	await expect(models.getByRole('progressbar')).toHaveCount(0);
	await expect(models.getByRole('group', { name: TAGGER(1) })).toHaveCount(0);
	expect(await storedBlobs(page)).toEqual([]);

	// The next run goes to the end, through every epoch, each with its loss.
	await page.evaluate(() =>
		(window as unknown as { trainingTexts: string[] }).trainingTexts.splice(0)
	);
	const row = await trainToEnd(models, 1);
	await expect(row).toContainText('Data set');
	const texts = await page.evaluate(
		() => (window as unknown as { trainingTexts: string[] }).trainingTexts
	);
	const epochs = texts.flatMap((text) => {
		const match = /Epoch (\d+) of (\d+), loss (\d+\.\d{4})\./.exec(text);
		return match ? [{ epoch: Number(match[1]), of: Number(match[2]), loss: Number(match[3]) }] : [];
	});
	expect(texts[0]).toContain('Gathering your tagged thoughts');
	expect(epochs.length).toBeGreaterThan(1);
	expect(epochs.at(-1)!.epoch).toBe(epochs.at(-1)!.of);
	// Never backwards; the last epoch stays shown while the run is evaluated and saved.
	expect(epochs.every((e, i) => i === 0 || e.epoch >= epochs[i - 1].epoch)).toBe(true);
	expect(epochs.at(-1)!.loss).toBeLessThan(epochs[0].loss);
	expect(texts.some((text) => text.includes('Evaluating and saving'))).toBe(true);
});

test('a version exports as its .onnx file, and deleting asks first, never the active one, and frees bytes no version shares', async ({
	page
}) => {
	test.setTimeout(240_000);
	await importSeededLibrary(page, 600, 11, END);
	const models = await openModels(page);
	const first = await trainToEnd(models, 1);
	await promote(first);
	await expect(first.getByRole('button', { name: 'Delete' })).toHaveCount(0);
	const firstSha = await shaOf(first);
	expect(firstSha).toMatch(/^[0-9a-f]{64}$/);

	const [download] = await Promise.all([
		page.waitForEvent('download'),
		first.getByRole('button', { name: 'Export', exact: true }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/\.onnx$/);
	const bytes = readFileSync((await download.path())!);
	expect(createHash('sha256').update(bytes).digest('hex')).toBe(firstSha);

	// The same data and seed make the same model: a candidate whose file v1 shares.
	const second = await trainToEnd(models, 2);
	expect(await shaOf(second)).toBe(firstSha);
	await expect(second).toContainText('Candidate');
	await second.getByRole('button', { name: 'Delete' }).click();
	const ask = page.getByRole('dialog', { name: /^Delete Personal tagger .* v2\?$/ });
	await expect(ask).toBeVisible();
	await expect(ask.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(ask).toHaveCount(0);
	await expect(second).toBeVisible();
	await second.getByRole('button', { name: 'Delete' }).click();
	await ask.getByRole('button', { name: /^Delete Personal tagger/ }).click();
	await expect(second).toHaveCount(0);
	expect(await storedBlobs(page)).toContain(firstSha);

	// New tags make a new file; once v3 is active, deleting v1 frees v1's file.
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Thoughts' })
		.click();
	for (let i = 0; i < 6; i++) await capture(page, `a quiet walk by the river number ${i} #walks`);
	await openModels(page);
	const third = await trainToEnd(models, 3);
	await promote(third);
	const thirdSha = await shaOf(third);
	expect(thirdSha).not.toBe(firstSha);
	await first.getByRole('button', { name: 'Delete' }).click();
	await page
		.getByRole('dialog', { name: /v1\?$/ })
		.getByRole('button', { name: /^Delete/ })
		.click();
	await expect(first).toHaveCount(0);
	await expect(async () => {
		const stored = await storedBlobs(page);
		expect(stored).toContain(thirdSha);
		expect(stored).not.toContain(firstSha);
	}).toPass({ timeout: 10_000 });
});
