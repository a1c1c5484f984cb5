import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readMetrics, register, startTestServer, type Account, type TestServer } from './harness';
import { addToRegistry, BUILTIN, trainedHead, upload, versionOf } from './server-models';

/**
 * The Grafana dashboard in ops/ reads only series the server serves, with only labels those
 * series carry: a renamed metric or label fails here, not on an operator's empty panel.
 */
const dashboard = JSON.parse(
	readFileSync(new URL('../../ops/grafana/thoughts10x-ai.json', import.meta.url), 'utf8')
) as { panels: { title: string; targets: { expr: string }[] }[] };
/** Series suffixes Prometheus derives from one histogram. */
const HISTOGRAM_PARTS = /_(bucket|sum|count)$/;

let t: TestServer;
beforeAll(async () => {
	t = await startTestServer();
	const user = await register(t.base);
	const head = versionOf('tagger-dash0001', trainedHead(1));
	await upload(t, user, trainedHead(1));
	await addToRegistry(t, user, [head]);
	// A run of each kind and a refusal, so every labelled series has a sample.
	expect(await run(user, { task: 'embed', version: BUILTIN, texts: ['hello'] })).toBe(200);
	expect(await run(user, { task: 'tag', version: head.id, texts: ['hello'] })).toBe(200);
	expect(await run(user, { task: 'tag', version: 'tagger-none', texts: ['hello'] })).toBe(404);
});

async function run(user: Account, body: unknown): Promise<number> {
	const res = await fetch(`${t.base}/api/ai/run`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Cookie: user.cookie },
		body: JSON.stringify(body)
	});
	return res.status;
}
afterAll(() => t.stop());

it('queries only metrics and labels that /metrics serves', async () => {
	const served = new Map<string, Set<string>>();
	for (const line of (await readMetrics(t.base)).split('\n')) {
		const sample = /^(t10x_[a-z_]+)(?:\{([^}]*)\})? /.exec(line);
		if (!sample) continue;
		const name = sample[1].replace(HISTOGRAM_PARTS, '');
		const labels = served.get(name) ?? new Set<string>();
		for (const [, label] of (sample[2] ?? '').matchAll(/([a-z_]+)="/g)) labels.add(label);
		served.set(name, labels);
	}
	const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
	expect(exprs.length).toBeGreaterThanOrEqual(8);
	for (const expr of exprs) {
		for (const [, metric] of expr.matchAll(/\b(t10x_[a-z_]+)/g)) {
			const name = metric.replace(HISTOGRAM_PARTS, '');
			expect(served.has(name), `${metric} in "${expr}"`).toBe(true);
			// Labels grouped on or matched (le and instance come from Prometheus itself).
			const used = [
				...[...expr.matchAll(/by \(([^)]*)\)/g)].flatMap(([, list]) => list.split(/,\s*/)),
				...[...expr.matchAll(/\{([a-z_]+)=/g)].map(([, label]) => label)
			].filter((label) => label !== 'le' && label !== 'instance');
			for (const label of used) {
				const carried = [...served.entries()].some(
					([series, labels]) => expr.includes(series) && labels.has(label)
				);
				expect(carried, `label ${label} in "${expr}"`).toBe(true);
			}
		}
	}
});
