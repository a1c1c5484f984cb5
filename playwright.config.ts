import { defineConfig } from '@playwright/test';

/** E2E_PORT lets two suites run side by side without fighting over the port. */
export const PORT = Number(process.env.E2E_PORT ?? 4173);
/** Debian's Chromium; never a downloaded browser (see notes/pwa.md). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run'
];

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	outputDir: `test-results/${PORT}`,
	workers: 2,
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: [['list']],
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
		trace: 'retain-on-failure'
	},
	webServer: {
		command: 'node dist/server/main.js',
		url: `http://127.0.0.1:${PORT}/healthz`,
		env: {
			PORT: String(PORT),
			HOST: '127.0.0.1',
			DATA_DIR: `tests/.tmp/e2e-data-${PORT}`,
			// The e2e push test's stand-in push service runs on loopback.
			PUSH_ENDPOINT_HOSTS: '127.0.0.1'
		},
		reuseExistingServer: false,
		stdout: 'ignore',
		stderr: 'pipe'
	}
});
