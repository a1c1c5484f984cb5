import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { Layout } from './oracle-page';

/**
 * The indexing baseline (oracle-page.ts) bundled with esbuild, added to a page of the app's
 * origin that does not run the app (so nothing else competes with it), then driven from Node.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface OracleApi {
	prepare(location: string): Promise<void>;
	index(viewDb: string, layout: Layout): Promise<{ ms: number; embedMs: number; count: number }>;
	parity(viewDb: string, modelId: string, limit: number): Promise<number>;
}

declare global {
	interface Window {
		__oracle?: OracleApi;
	}
}

export async function bundleOracle(): Promise<string> {
	const result = await build({
		entryPoints: [path.join(HERE, 'oracle-page.ts')],
		bundle: true,
		write: false,
		format: 'iife',
		target: 'es2022',
		minify: true,
		logLevel: 'warning'
	});
	return result.outputFiles[0].text;
}

/** Adds the bundle to the page (again after every navigation) and loads the model, untimed. */
export async function loadOracle(page: Page, script: string, location: string): Promise<void> {
	await page.addScriptTag({ content: script });
	await page.evaluate((location) => window.__oracle!.prepare(location), location);
}

export function oracleIndex(
	page: Page,
	viewDb: string,
	layout: Layout
): Promise<{ ms: number; embedMs: number; count: number }> {
	return page.evaluate(([viewDb, layout]) => window.__oracle!.index(viewDb, layout), [
		viewDb,
		layout
	] as const);
}

export function oracleParity(
	page: Page,
	viewDb: string,
	modelId: string,
	limit: number
): Promise<number> {
	return page.evaluate(
		([viewDb, modelId, limit]) => window.__oracle!.parity(viewDb, modelId, limit),
		[viewDb, modelId, limit] as const
	);
}
