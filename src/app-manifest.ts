import type { ManifestOptions } from 'vite-plugin-pwa';

export const THEME_COLOR = '#2f3b8f';

/** The web app manifest: what Chromium needs to offer "Install" (see notes/pwa.md §1.6). */
export const manifest: Partial<ManifestOptions> = {
	id: '/',
	name: 'Thoughts10x',
	short_name: 'Thoughts',
	description: 'Capture short thoughts. They live on your device first and work offline.',
	start_url: '/',
	scope: '/',
	display: 'standalone',
	background_color: '#f7f6f2',
	theme_color: THEME_COLOR,
	icons: [
		{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
		{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
		{ src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
	]
};
