import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../playwright.config';
import { ROOT } from '../../lib/report';
import { onTeardown } from './teardown';

/**
 * Debian's Chromium through playwright-core, as tests/e2e/support.ts launches it: a real on-disk
 * profile, so IndexedDB and the service worker survive closing and relaunching the browser.
 */

const open = new Set<BrowserContext>();

async function closeAll(): Promise<void> {
	for (const context of open) {
		await context.close().catch((error: unknown) => console.error('closing a browser:', error));
	}
}
onTeardown(closeAll);

/** An empty profile directory, removed at teardown (after its browser has exited). */
export function newProfileDir(prefix = 't10x-bench-profile-'): string {
	const dir = mkdtempSync(path.join(tmpdir(), prefix));
	onTeardown(async () => {
		await closeAll();
		// A browser killed by a signal may still be writing its last files for a moment.
		rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
	});
	return dir;
}

/** Starts a new browser process on the profile (a cold start when it was closed before). */
export async function launchProfile(dir: string, baseURL?: string): Promise<BrowserContext> {
	const context = await chromium.launchPersistentContext(dir, {
		executablePath: CHROMIUM,
		args: CHROMIUM_ARGS,
		headless: true,
		baseURL,
		acceptDownloads: false,
		// lib/teardown.ts closes every browser on a signal, then removes its profile; Playwright
		// killing them at the same moment would race that.
		handleSIGINT: false,
		handleSIGTERM: false,
		handleSIGHUP: false
	});
	open.add(context);
	context.once('close', () => open.delete(context));
	return context;
}

export async function firstPage(context: BrowserContext): Promise<Page> {
	return context.pages()[0] ?? (await context.newPage());
}

/** Waits until the service worker controls the page (see tests/e2e/support.ts for why). */
export async function waitForServiceWorker(page: Page): Promise<void> {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload();
	await page.waitForFunction(() => !!navigator.serviceWorker.controller);
}

/** Rows in an object store, read with the raw IndexedDB API (no app code involved). */
export function countRows(page: Page, database: string, store: string): Promise<number> {
	return page.evaluate(
		([database, store]) =>
			new Promise<number>((resolve, reject) => {
				const request = indexedDB.open(database);
				request.onerror = () => reject(request.error);
				request.onsuccess = () => {
					const db = request.result;
					if (!db.objectStoreNames.contains(store)) {
						db.close();
						return resolve(0);
					}
					const count = db.transaction(store).objectStore(store).count();
					count.onsuccess = () => {
						db.close();
						resolve(count.result);
					};
					count.onerror = () => reject(count.error);
				};
			}),
		[database, store] as const
	);
}

/** Vector entries the view stores over all its blocks (`size` per block), read with raw IndexedDB. */
export function countVectors(page: Page, database: string): Promise<number> {
	return page.evaluate(
		(database) =>
			new Promise<number>((resolve, reject) => {
				const request = indexedDB.open(database);
				request.onerror = () => reject(request.error);
				request.onsuccess = () => {
					const db = request.result;
					if (!db.objectStoreNames.contains('vectorBlocks')) {
						db.close();
						return resolve(0);
					}
					const all = db.transaction('vectorBlocks').objectStore('vectorBlocks').getAll();
					all.onsuccess = () => {
						db.close();
						resolve((all.result as { size: number }[]).reduce((sum, b) => sum + b.size, 0));
					};
					all.onerror = () => reject(all.error);
				};
			}),
		database
	);
}

/** Empties an object store with the raw IndexedDB API (no app code involved). */
export function clearStore(page: Page, database: string, store: string): Promise<void> {
	return page.evaluate(
		([database, store]) =>
			new Promise<void>((resolve, reject) => {
				const request = indexedDB.open(database);
				request.onerror = () => reject(request.error);
				request.onsuccess = () => {
					const db = request.result;
					const tx = db.transaction(store, 'readwrite');
					tx.objectStore(store).clear();
					tx.oncomplete = () => {
						db.close();
						resolve();
					};
					tx.onerror = () => reject(tx.error);
				};
			}),
		[database, store] as const
	);
}

const require = createRequire(import.meta.url);

export function packageVersion(name: string): string {
	try {
		return (require(path.join(ROOT, 'node_modules', name, 'package.json')) as { version: string })
			.version;
	} catch {
		return 'not installed';
	}
}

export function chromiumVersion(): string {
	try {
		const out = execFileSync(CHROMIUM, ['--version'], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore']
		});
		return (
			out
				.trim()
				.split('\n')
				.at(-1)
				?.replace(/ built on.*/, '') ?? 'Chromium'
		);
	} catch {
		return 'Chromium (version unknown)';
	}
}
