import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ExportedThought } from '../../../sync/export-format';
import { toExportJson } from '../../../src/lib/features/data/export-files';
import {
	countVectors,
	firstPage,
	launchProfile,
	newProfileDir,
	waitForServiceWorker
} from './browser';
import type { BaselineSite } from './one-doc-baseline';
import { onTeardown } from './teardown';

/**
 * Setup for the cold-start rounds (not timed): a profile that has the thoughts stored, as a
 * returning user's would. Durations are returned only to be reported.
 */

const SETUP_TIMEOUT_MS = 10 * 60_000;

async function poll(check: () => Promise<boolean>, what: string): Promise<void> {
	const deadline = Date.now() + SETUP_TIMEOUT_MS;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`setup: timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/**
 * The app's own path: the service worker installed and in control, the thoughts imported as a
 * JSON export on /data, then every thought embedded by the built-in model (as a returning user's
 * device would have done long ago; otherwise the first timed load would do it).
 */
export async function seedAppProfile(base: string, thoughts: readonly ExportedThought[]) {
	const file = path.join(tmpdir(), `t10x-bench-import-${process.pid}-${thoughts.length}.json`);
	writeFileSync(file, toExportJson([...thoughts], new Date(Date.UTC(2024, 0, 1))));
	onTeardown(() => rmSync(file, { force: true }));
	const dir = newProfileDir();
	const context = await launchProfile(dir, base);
	try {
		const page = await firstPage(context);
		await page.goto('/');
		await waitForServiceWorker(page);
		await page.goto('/data');
		const importStart = performance.now();
		await page.getByLabel('Import a JSON or Markdown zip export').setInputFiles(file);
		// The seeds mark some thoughts public: the import asks first. Kept as marked, as seeded
		// (this profile has no account, so nothing is published).
		if (thoughts.some((thought) => thought.visibility !== 'private')) {
			await page
				.getByRole('dialog')
				.getByRole('button', { name: /^Publish/ })
				.click();
		}
		await page
			.getByRole('status', { name: 'Data result' })
			.filter({ hasText: `Imported ${thoughts.length} new thoughts` })
			.waitFor({ timeout: SETUP_TIMEOUT_MS });
		const importMs = performance.now() - importStart;
		const embedStart = performance.now();
		await page.goto('/');
		await poll(
			async () => (await countVectors(page, 't10x-view:local')) >= thoughts.length,
			'a built-in model vector for every thought'
		);
		const embedMs = performance.now() - embedStart;
		return { dir, importMs, embedMs };
	} finally {
		await context.close();
	}
}

/** The baseline page stores the thoughts in its one doc (`/?seed`) in its own profile. */
export async function seedBaselineProfile(
	site: BaselineSite,
	thoughts: readonly ExportedThought[]
) {
	site.setThoughts(thoughts);
	const dir = newProfileDir();
	const context = await launchProfile(dir);
	try {
		const page = await firstPage(context);
		const started = performance.now();
		await page.goto(`${site.base}/?seed`);
		await page.waitForFunction((n) => document.title === `seeded ${n}`, thoughts.length, {
			timeout: SETUP_TIMEOUT_MS,
			polling: 250
		});
		return { dir, seedMs: performance.now() - started };
	} finally {
		await context.close();
	}
}
