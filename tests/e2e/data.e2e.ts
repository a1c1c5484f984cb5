import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateThoughts } from '../../scripts/seed-data';
import { toExportJson } from '../../src/lib/features/data/export-files';
import { capture, timeline } from './support';

let dir: string;
test.beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 't10x-data-'))));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exportFile(page: Page, button: string): Promise<string> {
	await page.goto('/data');
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: button }).click();
	const file = join(dir, (await download).suggestedFilename());
	await (await download).saveAs(file);
	return file;
}

async function importFile(page: Page, file: string): Promise<void> {
	await page.goto('/data');
	await page.getByLabel('Import a JSON or Markdown zip export').setInputFiles(file);
}

function thoughtsIn(file: string) {
	return JSON.parse(readFileSync(file, 'utf8')).thoughts;
}

test('export then import into a fresh profile gives identical thoughts', async ({ browser }) => {
	const source = await (await browser.newContext()).newPage();
	await source.goto('/');
	await capture(source, 'A plain thought');
	await capture(
		source,
		'Tagged #reading/books with **markdown**\nand a second line',
		'Tagged #reading/books with markdown'
	);
	await capture(source, 'Unicode: café 日本語 👩‍👩‍👧 — and "quotes"');
	await timeline(source)
		.getByRole('listitem')
		.filter({ hasText: 'A plain thought' })
		.getByRole('button', { name: 'Pin' })
		.click();
	await expect(timeline(source).getByRole('button', { name: 'Unpin' })).toBeVisible();
	const json = await exportFile(source, 'Export JSON');
	const zip = await exportFile(source, 'Export Markdown (zip)');
	const original = thoughtsIn(json);
	expect(original).toHaveLength(3);
	expect(original.filter((t: { pinned: boolean }) => t.pinned)).toHaveLength(1);

	for (const file of [json, zip]) {
		const target = await (await browser.newContext()).newPage();
		await importFile(target, file);
		const result = target.getByRole('status', { name: 'Data result' });
		await expect(result).toHaveText(/Imported 3 new thoughts/);
		await importFile(target, file);
		await expect(result).toHaveText(/Imported 0 new thoughts .* 3 were already here/);
		expect(thoughtsIn(await exportFile(target, 'Export JSON'))).toEqual(original);
		await target.goto('/');
		await expect(timeline(target).getByRole('listitem')).toHaveCount(3);
		await expect(target.getByRole('list', { name: 'Pinned' })).toContainText('A plain thought');
		await target.context().close();
	}
	await source.context().close();
});

test('a broken file is refused with a clear message and changes nothing', async ({ page }) => {
	const bad = join(dir, 'bad.json');
	writeFileSync(bad, JSON.stringify({ format: 'something-else', thoughts: [] }));
	await importFile(page, bad);
	await expect(page.getByRole('alert')).toContainText('Import failed');
	await expect(page.getByRole('alert')).toContainText('format');
	await page.goto('/');
	await expect(page.getByText('Nothing here yet')).toBeVisible();
});

test('a large seeded library imports with progress and pages smoothly', async ({ page }) => {
	const file = join(dir, 'seed.json');
	writeFileSync(file, toExportJson(generateThoughts(3000, 7), new Date()));
	await importFile(page, file);
	// The seeded library marks some thoughts shared: the import asks before keeping that.
	await page.getByRole('dialog', { name: 'Publish thoughts from this file?' }).waitFor();
	await page.getByRole('button', { name: 'Keep all private' }).click();
	await expect(page.getByRole('status', { name: 'Data result' })).toHaveText(
		/Imported 3000 new thoughts/,
		{ timeout: 60_000 }
	);
	await page.goto('/');
	await expect(page.getByText('3000 thoughts')).toBeVisible();
	// Only a page is rendered; more arrive on demand. (Direct children: thoughts may hold lists.
	// The timeline alone: the few pinned ones are listed above it.)
	const items = page.getByRole('list', { name: 'Thoughts', exact: true }).locator(':scope > li');
	await expect(items).toHaveCount(50);
	await items.nth(49).scrollIntoViewIfNeeded();
	await expect(items).toHaveCount(100);
	const search = page.getByRole('searchbox', { name: 'Search thoughts' });
	await search.fill('meeting');
	await expect(
		page.getByRole('list', { name: 'Search results' }).getByRole('listitem').first()
	).toBeVisible();
});
