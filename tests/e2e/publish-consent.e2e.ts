import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Visibility } from '../../sync/doc/shard-doc';
import { newThoughtId } from '../../sync/ids';
import { toExportJson } from '../../src/lib/features/data/export-files';
import { capture, timeline } from './support';

let dir: string;
test.beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 't10x-consent-'))));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An export file holding one thought per visibility given, texts `${prefix} n`. */
function exportOf(name: string, prefix: string, visibilities: Visibility[]): string {
	const start = Date.now() - 60_000;
	const thoughts = visibilities.map((visibility, i) => ({
		id: newThoughtId(start + i),
		text: `${prefix} ${i}`,
		createdAt: new Date(start + i).toISOString(),
		visibility,
		pinned: false,
		tags: []
	}));
	const file = join(dir, name);
	writeFileSync(file, toExportJson(thoughts, new Date()));
	return file;
}

async function importFile(page: Page, file: string): Promise<void> {
	await page.goto('/data');
	await page.getByLabel('Import a JSON or Markdown zip export').setInputFiles(file);
}

async function createAccount(page: Page, handle: string): Promise<void> {
	await page.goto('/login');
	await page.getByRole('textbox', { name: 'Username' }).fill(handle);
	await page.getByRole('textbox', { name: 'Password' }).fill('a long test passphrase');
	await page.getByRole('button', { name: 'Create account' }).click();
}

function syncStatus(page: Page) {
	return page.getByRole('status', { name: 'Sync status' });
}

/** Public texts on the server-rendered profile, once the relay has stored (about 2 s). */
async function profileTexts(page: Page, handle: string): Promise<string[]> {
	await page.goto(`/@${handle}`);
	return page.getByRole('list', { name: 'Posts' }).getByRole('listitem').allInnerTexts();
}

test('an import into an account publishes nothing until confirmed, and says how many', async ({
	page,
	browser
}) => {
	const handle = `imp_${Date.now().toString(36)}`;
	await createAccount(page, handle);
	await expect(syncStatus(page)).toHaveText('Synced');

	const shared = exportOf('shared.json', 'Kept private', [
		'public',
		'public',
		'followers',
		'private'
	]);
	await importFile(page, shared);
	const dialog = page.getByRole('dialog', { name: 'Publish thoughts from this file?' });
	await expect(dialog).toContainText('2 public and 1 followers-only thoughts');
	// Private is the first choice: Enter keeps everything private.
	await expect(dialog.getByRole('button', { name: 'Keep all private' })).toBeFocused();
	await page.keyboard.press('Enter');
	const result = page.getByRole('status', { name: 'Data result' });
	await expect(result).toHaveText(/Imported 4 new thoughts .*All are private/);

	// Cancel writes nothing.
	const later = exportOf('later.json', 'Published later', ['public']);
	await importFile(page, later);
	await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
	await expect(result).toHaveText('Nothing was imported from later.json.');

	// Confirmed: the public one goes out, and only it.
	await importFile(page, later);
	await page.getByRole('button', { name: 'Publish 1 public thought' }).click();
	await expect(result).toHaveText(/Imported 1 new thoughts/);
	await expect(syncStatus(page)).toHaveText('Synced');

	const visitor = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
	await expect
		.poll(() => profileTexts(visitor, handle), { timeout: 20_000, intervals: [500] })
		.toEqual([expect.stringContaining('Published later 0')]);
	expect((await profileTexts(visitor, handle)).join()).not.toContain('Kept private');
	await page.goto('/');
	await expect(timeline(page).getByRole('listitem')).toHaveCount(5);
	await visitor.context().close();
});

test('signing in asks before publishing what was shared on this device beforehand', async ({
	page,
	browser
}) => {
	await importFile(page, exportOf('local.json', 'Written offline', ['public', 'followers']));
	// Local only: nothing can go out yet, and the dialog says when it would.
	await expect(page.getByRole('dialog')).toContainText('published once you sign in');
	await page.getByRole('button', { name: /^Publish/ }).click();
	await expect(page.getByRole('status', { name: 'Data result' })).toHaveText(/Imported 2/);

	const handle = `adopt_${Date.now().toString(36)}`;
	await createAccount(page, handle);
	const dialog = page.getByRole('dialog', { name: 'Publish thoughts from this device?' });
	await expect(dialog).toContainText('1 public and 1 followers-only thought');
	await dialog.getByRole('button', { name: 'Keep all private' }).click();
	await expect(syncStatus(page)).toHaveText('Synced');
	await expect(timeline(page).getByRole('listitem')).toHaveCount(2);

	// Give the relay time to store and (wrongly) materialise, then check nothing went out:
	// a public thought written after the adoption is the marker that stores have happened.
	await page.goto('/data');
	await importFile(page, exportOf('marker.json', 'Marker', ['public']));
	await page.getByRole('button', { name: 'Publish 1 public thought' }).click();
	await expect(syncStatus(page)).toHaveText('Synced');
	const visitor = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
	await expect
		.poll(() => profileTexts(visitor, handle), { timeout: 20_000, intervals: [500] })
		.toEqual([expect.stringContaining('Marker 0')]);
	await visitor.context().close();
});

test('the capture box chooses a visibility, private by default, and cards show it', async ({
	page
}) => {
	await page.goto('/');
	const choice = page.getByRole('combobox', { name: 'Visibility of the new thought' });
	await expect(choice).toHaveValue('private');
	await choice.selectOption('public');
	await capture(page, 'Shared with everyone');
	// Back to private, so the next thought is not shared by accident.
	await expect(choice).toHaveValue('private');
	await choice.selectOption('followers');
	await capture(page, 'For my followers');
	await capture(page, 'Just for me');

	const card = (text: string) => timeline(page).getByRole('listitem').filter({ hasText: text });
	await expect(card('Shared with everyone')).toContainText('Public');
	await expect(card('For my followers')).toContainText('Followers');
	await expect(card('Just for me')).not.toContainText(/Public|Followers/);
});
