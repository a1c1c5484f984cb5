import { expect, test, type BrowserContext } from '@playwright/test';
import { rmSync } from 'node:fs';
import { THEME_COLOR } from '../../src/app-manifest';
import { launchProfile, newProfileDir, waitForServiceWorker } from './support';

interface ManifestIcon {
	src: string;
	sizes: string;
	type?: string;
	purpose?: string;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk, which always comes first after the signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
	expect([...bytes.subarray(0, 8)], 'PNG signature').toEqual(PNG_SIGNATURE);
	expect(bytes.toString('latin1', 12, 16), 'first chunk').toBe('IHDR');
	return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

let context: BrowserContext | undefined;
let profileDir: string | undefined;

test.afterEach(async () => {
	await context?.close();
	if (profileDir) rmSync(profileDir, { recursive: true, force: true });
	context = profileDir = undefined;
});

test('Chromium considers the app installable', async ({ baseURL }) => {
	// A persistent profile: in an incognito-like context the only error is ever 'in-incognito'.
	profileDir = newProfileDir();
	context = await launchProfile(profileDir, baseURL!);
	const page = context.pages()[0] ?? (await context.newPage());
	await page.goto('/');
	await waitForServiceWorker(page);
	const cdp = await context.newCDPSession(page);

	const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
	expect(installabilityErrors).toEqual([]);

	const { url, errors, data } = await cdp.send('Page.getAppManifest', {});
	expect(errors).toEqual([]);
	expect(url).toBe(new URL('/manifest.webmanifest', baseURL).href);
	const manifest = JSON.parse(data ?? 'null') as Record<string, unknown> & {
		icons: ManifestIcon[];
	};
	expect(manifest).toMatchObject({
		name: 'Thoughts10x',
		start_url: '/',
		display: 'standalone',
		theme_color: THEME_COLOR
	});
	const { icons } = manifest;
	expect(icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
	expect(icons.filter((icon) => icon.purpose?.split(' ').includes('maskable'))).not.toEqual([]);

	for (const icon of icons) {
		const response = await context.request.get(new URL(icon.src, url).href);
		expect(response.status(), icon.src).toBe(200);
		expect(response.headers()['content-type'], icon.src).toMatch(/^image\/png\b/);
		const [width, height] = icon.sizes.split('x').map(Number);
		expect(pngSize(await response.body()), icon.src).toEqual({ width, height });
	}
});
