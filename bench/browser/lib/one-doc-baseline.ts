import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExportedThought } from '../../../sync/export-format';
import { onTeardown } from './teardown';

/**
 * Serves the one-doc baseline page (one-doc-page.ts bundled with esbuild) from a temp dir on its
 * own port, together with the thoughts it seeds from.
 */

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.json': 'application/json'
};
const PAGE = `<!doctype html>
<html lang="en">
	<head><meta charset="utf-8" /><title>one-doc baseline</title></head>
	<body>
		<input type="search" aria-label="Search thoughts" />
		<ul aria-label="Thoughts"></ul>
		<ul aria-label="Search results"></ul>
		<script type="module" src="/page.js"></script>
	</body>
</html>
`;

export interface BaselineSite {
	base: string;
	/** Replaces the thoughts that `/?seed` stores. */
	setThoughts(thoughts: readonly ExportedThought[]): void;
}

export async function serveOneDocBaseline(): Promise<BaselineSite> {
	const dir = mkdtempSync(path.join(tmpdir(), 't10x-bench-one-doc-'));
	onTeardown(() => rmSync(dir, { recursive: true, force: true }));
	await build({
		entryPoints: [path.join(HERE, 'one-doc-page.ts')],
		outfile: path.join(dir, 'page.js'),
		bundle: true,
		format: 'esm',
		target: 'es2022',
		minify: true,
		logLevel: 'warning'
	});
	writeFileSync(path.join(dir, 'index.html'), PAGE);
	const server = createServer((req, res) => {
		const name = (req.url ?? '/').split('?')[0].replace(/^\/$/, '/index.html').slice(1);
		if (!/^[a-z.]+$/.test(name)) return void res.writeHead(404).end();
		try {
			const body = readFileSync(path.join(dir, name));
			res.writeHead(200, { 'Content-Type': TYPES[path.extname(name)] ?? 'text/plain' });
			res.end(body);
		} catch {
			res.writeHead(404).end();
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	onTeardown(() => {
		server.closeAllConnections();
		return new Promise<void>((resolve) => server.close(() => resolve()));
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;
	return {
		base: `http://127.0.0.1:${port}`,
		setThoughts(thoughts) {
			writeFileSync(path.join(dir, 'thoughts.json'), JSON.stringify(thoughts));
		}
	};
}
