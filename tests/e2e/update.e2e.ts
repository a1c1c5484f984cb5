import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	capture,
	expectNoSeriousViolations,
	launchProfile,
	newProfileDir,
	timeline,
	waitForServiceWorker
} from './support';

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

/** Runs the real server on a given build, the way a deploy swaps builds behind one origin. */
async function startServer(port: number, buildDir: string, dataDir: string): Promise<ChildProcess> {
	const server = spawn(process.execPath, ['dist/server/main.js'], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			BUILD_DIR: buildDir,
			SHUTDOWN_TIMEOUT: '1'
		},
		stdio: ['ignore', 'ignore', 'pipe']
	});
	let stderr = '';
	server.stderr?.on('data', (chunk) => (stderr += chunk));
	await expect(async () => {
		expect(server.exitCode, `server exited: ${stderr}`).toBeNull();
		const response = await fetch(`http://127.0.0.1:${port}/healthz`);
		expect(response.ok).toBe(true);
	}).toPass({ timeout: 15_000 });
	return server;
}

async function stopServer(server: ChildProcess | undefined): Promise<void> {
	if (!server || server.exitCode !== null || server.signalCode !== null) return;
	const exited = new Promise((resolve) => server.once('exit', resolve));
	server.kill('SIGTERM');
	await exited;
}

test('a new deploy shows the update prompt, and Reload switches to it', async () => {
	test.setTimeout(90_000);
	const root = mkdtempSync(join(tmpdir(), 't10x-update-'));
	const v1 = join(root, 'v1');
	const v2 = join(root, 'v2');
	cpSync('build', v1, { recursive: true });
	cpSync('build', v2, { recursive: true });
	// Any byte change to sw.js is a new version. The precompressed copies would be served
	// instead of the edited file to a browser that accepts them, so v2 has none.
	const marker = `// v2 ${Date.now()}`;
	appendFileSync(join(v2, 'client/sw.js'), `\n${marker}\n`);
	rmSync(join(v2, 'client/sw.js.br'));
	rmSync(join(v2, 'client/sw.js.gz'));

	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const dataDir = join(root, 'data');
	const profileDir = newProfileDir();
	let server: ChildProcess | undefined;
	let context: Awaited<ReturnType<typeof launchProfile>> | undefined;
	try {
		server = await startServer(port, v1, dataDir);
		context = await launchProfile(profileDir, origin);
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto('/');
		await waitForServiceWorker(page);
		// The browser's own view of worker versions: tells the old worker from the new one.
		const versions = new Map<string, string>();
		const cdp = await context.newCDPSession(page);
		cdp.on('ServiceWorker.workerVersionUpdated', ({ versions: updated }) => {
			for (const version of updated) versions.set(version.versionId, version.status);
		});
		await cdp.send('ServiceWorker.enable');
		const activated = () =>
			[...versions].filter(([, status]) => status === 'activated').map(([id]) => id);
		await expect.poll(activated).toHaveLength(1);
		const [oldVersion] = activated();
		await capture(page, 'written before the update');
		const prompt = page.getByRole('status', { name: 'App update' });
		await expect(page.getByText('A new version')).toHaveCount(0);

		await stopServer(server);
		server = await startServer(port, v2, dataDir);
		// What the hourly check in ReloadPrompt does, without waiting an hour.
		await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			await registration?.update();
		});

		await expect(prompt).toContainText('A new version');
		await expectNoSeriousViolations(page, 'home with the update prompt');
		const reloaded = page.waitForEvent('load');
		await prompt.getByRole('button', { name: 'Reload' }).click();
		await reloaded;

		await expect
			.poll(() =>
				page.evaluate(async () => {
					const registration = await navigator.serviceWorker.getRegistration();
					return {
						controller: navigator.serviceWorker.controller?.state ?? null,
						waiting: !!registration?.waiting,
						installing: !!registration?.installing
					};
				})
			)
			.toEqual({ controller: 'activated', waiting: false, installing: false });
		const script = await page.evaluate(() =>
			fetch(navigator.serviceWorker.controller!.scriptURL, { cache: 'no-store' }).then((r) =>
				r.text()
			)
		);
		expect(script).toContain(marker);
		await expect.poll(activated).toEqual([expect.not.stringMatching(`^${oldVersion}$`)]);
		expect(versions.get(oldVersion)).toBe('redundant');
		await expect(prompt).toHaveCount(0);
		await expect(
			timeline(page).getByRole('listitem').filter({ hasText: 'written before the update' })
		).toBeVisible();
	} finally {
		await context?.close();
		await stopServer(server);
		rmSync(root, { recursive: true, force: true });
		rmSync(profileDir, { recursive: true, force: true });
	}
});
