import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateThoughts } from '../../scripts/seed-data';
import { toExportJson } from '../../src/lib/features/data/export-files';
import { captureBox } from './support';

/** A fixed day: the seeded library, its ids and so the held-out split are the same every run. */
const END = Date.UTC(2026, 0, 1);
const WRITING = 'finished Piranesi and it stayed with me all day';

let dir: string;
test.beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 't10x-models-'))));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The tags offered for a text being written, once the neighbours (or the tagger) answered. */
async function suggestionsFor(page: Page, text: string): Promise<string[]> {
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Thoughts' })
		.click();
	const chips = page.getByRole('group', { name: 'Suggested tags' }).getByRole('button');
	let shown: string[] = [];
	// Imported thoughts are read in the background: ask again until their tags are offered.
	await expect(async () => {
		await captureBox(page).fill('');
		await captureBox(page).fill(text);
		await expect(chips.first()).toBeVisible({ timeout: 3_000 });
		shown = await chips.allTextContents();
	}).toPass({ timeout: 60_000 });
	await captureBox(page).fill('');
	return shown.map((tag) => tag.trim());
}

async function openModels(page: Page) {
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'AI usage' })
		.click();
	return page.getByRole('region', { name: 'Models' });
}

test('a tag model trained on an imported library is gated, promoted and rolled back', async ({
	page
}) => {
	test.setTimeout(240_000);
	const file = join(dir, 'library.json');
	const thoughts = generateThoughts(600, 11, END).map((t) => ({
		...t,
		visibility: 'private' as const
	}));
	writeFileSync(file, toExportJson(thoughts, new Date(END)));
	await page.goto('/data');
	await page.getByLabel('Import a JSON or Markdown zip export').setInputFiles(file);
	await expect(page.getByRole('status', { name: 'Data result' })).toHaveText(
		/Imported 600 new thoughts/,
		{ timeout: 60_000 }
	);

	const byVote = await suggestionsFor(page, WRITING);
	console.log('vote', byVote);

	const models = await openModels(page);
	await models.getByRole('button', { name: 'Train tag model' }).click();
	const outcome = models.getByRole('status').filter({ hasText: 'Last training' });
	await expect(outcome).toBeVisible({ timeout: 120_000 });
	console.log(await outcome.textContent());
	const tagger = models.getByRole('group', { name: /^Personal tagger \(\d+ tags\) v1$/ });
	await expect(tagger).toContainText('Held out');
	await expect(tagger).toContainText('Neighbour vote');
	console.log(await tagger.textContent());
	if ((await outcome.textContent())?.includes('kept as a candidate')) {
		await tagger.getByRole('button', { name: 'Promote' }).click();
	}
	await expect(tagger).toContainText('Active');

	const byTagger = await suggestionsFor(page, WRITING);
	console.log('tagger', byTagger);
	await openModels(page);
	await expect(tagger).toContainText('Last ran on WebAssembly');

	await tagger.getByRole('button', { name: 'Roll back' }).click();
	await expect(tagger).not.toContainText('Active');
	expect(await suggestionsFor(page, WRITING)).toEqual(byVote);
});
