import { expect, test, type Page } from '@playwright/test';
import { zipSync } from 'fflate';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHeadOnnx } from '../../models/head-onnx';
import { writeTinyTransformersModel } from '../fixtures/tiny-transformers-model';
import {
	capture,
	captureBox,
	expectNoSeriousViolations,
	openDevice,
	signIn,
	waitForServiceWorker
} from './support';

/**
 * A person's own models through Add model: a generated transformers.js embedder (a folder) and a
 * generated head over its vectors, whose bias makes it always say #handmade and never #never, so
 * its suggestions are told apart from the neighbour vote. Fixtures live in this run's temp dir.
 */
const DIMS = 16;
const WRITING = 'the kitten needs her vaccinations';

let dir: string;
test.beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 't10x-own-models-'))));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeFixtures() {
	const tiny = writeTinyTransformersModel(dir, { name: 'tiny-model', dims: DIMS });
	const head = join(dir, 'my-head.onnx');
	writeFileSync(
		head,
		buildHeadOnnx({
			dims: DIMS,
			labels: ['handmade', 'never'],
			weights: new Float32Array(2 * DIMS),
			bias: Float32Array.of(4, -4)
		})
	);
	const labels = join(dir, 'labels.txt');
	writeFileSync(labels, 'handmade\nnever\n');
	// A zip of the tokenizer files alone: the archive check must refuse it.
	const noOnnx = join(dir, 'no-onnx.zip');
	const entries = tiny.files.filter((file) => !file.endsWith('.onnx'));
	writeFileSync(
		noOnnx,
		zipSync(Object.fromEntries(entries.map((f) => [f, readFileSync(join(tiny.dir, f))])))
	);
	return { folder: tiny.dir, head, labels, noOnnx };
}

async function go(page: Page, link: 'Thoughts' | 'AI usage') {
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
}

function models(page: Page) {
	return page.getByRole('region', { name: 'Models' });
}

/** Writes a text and waits for the tags offered for it (the embedder may still be loading). */
async function expectSuggested(page: Page, tag: string) {
	await go(page, 'Thoughts');
	const chips = page.getByRole('group', { name: 'Suggested tags' });
	await expect(async () => {
		await captureBox(page).fill('');
		await captureBox(page).fill(WRITING);
		await expect(chips.getByRole('button', { name: `Add tag #${tag}` })).toBeVisible({
			timeout: 3_000
		});
	}).toPass({ timeout: 60_000 });
	await expect(chips).not.toContainText('#never');
	await captureBox(page).fill('');
}

async function openAddModel(page: Page) {
	await models(page).getByRole('button', { name: 'Add model' }).click();
	const dialog = page.getByRole('dialog', { name: 'Add model' });
	await expect(dialog).toBeVisible();
	return dialog;
}

test('own models: added with their checks, promoted, synced, run offline on another device', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const files = writeFixtures();
	const a = await openDevice(browser);
	const username = `e2e_models_${Date.now().toString(36)}`;
	await signIn(a, username, 'Create account');
	await capture(a, 'I adopted a kitten today');
	await capture(a, 'Quarterly budget review with the finance team');
	await capture(a, 'Tried a new recipe for lentil soup');
	await go(a, 'AI usage');
	const listed = models(a).getByRole('listitem');
	await expect(listed).toHaveCount(1);

	// A bad file: the check that failed is named, and nothing is added.
	let dialog = await openAddModel(a);
	await dialog.getByRole('radio', { name: /^Embedder/ }).check();
	await dialog.getByLabel('Zip file').setInputFiles(files.noOnnx);
	await dialog.getByRole('button', { name: 'Check and add' }).click();
	await expect(dialog.getByRole('alert')).toHaveText(
		/^The archive check failed: .*no ONNX model in it/
	);
	await expectNoSeriousViolations(a, 'the Add model dialog with a failed check');
	await dialog.getByRole('button', { name: 'Cancel' }).click();
	await expect(dialog).toBeHidden();
	await expect(listed).toHaveCount(1);

	// The embedder, as a folder; promoting it re-reads every thought with it.
	dialog = await openAddModel(a);
	await dialog.getByRole('radio', { name: /^Embedder/ }).check();
	await dialog.getByLabel('Or a folder').setInputFiles(files.folder);
	await dialog.getByRole('button', { name: 'Check and add' }).click();
	await expect(dialog).toBeHidden({ timeout: 30_000 });
	const embedder = models(a).getByRole('group', { name: 'tiny-model v1' });
	await expect(embedder).toContainText(`[batch, sequence, ${DIMS}]`);
	await embedder.getByRole('button', { name: 'Promote' }).click();
	await expect(embedder).toContainText('Active', { timeout: 60_000 });

	// The head over that embedder's vectors, with its labels file.
	dialog = await openAddModel(a);
	await dialog.getByRole('radio', { name: /^Tag model/ }).check();
	await dialog.getByLabel('ONNX file').setInputFiles(files.head);
	await dialog.getByLabel('Labels file (JSON list or one per line)').setInputFiles(files.labels);
	await dialog.getByRole('button', { name: 'Check and add' }).click();
	await expect(dialog).toBeHidden({ timeout: 30_000 });
	const head = models(a).getByRole('group', { name: 'my-head.onnx v1' });
	await expect(head).toContainText(
		`embeddings float32 [batch, ${DIMS}] → scores float32 [batch, 2]`
	);
	await expect(head).toContainText('Candidate');
	await expect(head).toContainText('user-tiny-model');
	await head.getByRole('button', { name: 'Promote' }).click();
	await expect(head).toContainText('Active');
	await expectSuggested(a, 'handmade');

	// WebGPU: headless Chromium has no adapter, so the head runs on wasm, and says so.
	await go(a, 'AI usage');
	await head.getByRole('combobox', { name: 'Run on' }).selectOption('webgpu');
	await expectSuggested(a, 'handmade');
	await go(a, 'AI usage');
	await expect(head.getByRole('combobox', { name: 'Run on' })).toHaveValue('webgpu');
	await expect(head.getByRole('status')).toHaveText(/^Ran on WebAssembly: .+/);
	await expect(a.getByRole('table', { name: 'Inference log' })).toContainText('wasm');
	await expectNoSeriousViolations(a, '/ai with own models');

	// A second device of the account gets both models, then runs them with the network gone.
	const b = await openDevice(browser);
	await waitForServiceWorker(b);
	await signIn(b, username, 'Sign in');
	await go(b, 'AI usage');
	await expect(models(b).getByRole('group', { name: 'tiny-model v1' })).toContainText('Active');
	await expect(models(b).getByRole('group', { name: 'my-head.onnx v1' })).toContainText('Active');
	await expectSuggested(b, 'handmade');
	// A reload offline: the bytes must now come from this device's own store.
	await b.context().setOffline(true);
	await b.reload();
	await expectSuggested(b, 'handmade');
	await a.context().close();
	await b.context().close();
});
