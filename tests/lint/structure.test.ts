import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The house rules no linter here checks: no source file past 300 lines, and no import circle
 * (type-only imports included: a circle of types is still a circle of meaning).
 */
const ROOT = join(import.meta.dirname, '../..');
const LAYERS = ['src', 'server', 'sync'];
const MAX_LINES = 300;
const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return name === 'migrations' ? [] : sourceFiles(path);
		return /\.(ts|svelte)$/.test(name) && !/\.(test|e2e)\.ts$/.test(name) ? [path] : [];
	});
}

function resolveImport(from: string, spec: string): string | null {
	const base = spec.startsWith('$lib/')
		? join(ROOT, 'src/lib', spec.slice(5))
		: spec.startsWith('$sync/')
			? join(ROOT, 'sync', spec.slice(6))
			: spec.startsWith('.')
				? normalize(join(dirname(from), spec))
				: null;
	if (!base) return null;
	const candidates = [
		base,
		`${base}.ts`,
		`${base}.svelte`,
		`${base}.svelte.ts`,
		`${base}/index.ts`
	];
	return candidates.find((path) => existsSync(path) && statSync(path).isFile()) ?? null;
}

function importGraph(files: string[]): Map<string, string[]> {
	return new Map(
		files.map((file) => {
			const text = readFileSync(file, 'utf8');
			const targets = [...text.matchAll(IMPORT)].map((m) => resolveImport(file, m[1]));
			// A component that renders itself (a tree) imports itself: recursion, not a circle.
			return [file, targets.filter((t): t is string => t !== null && t !== file)];
		})
	);
}

/** Every circle as its nodes, found by a depth-first walk keeping the current path. */
function findCircles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
	const circles: string[][] = [];
	const done = new Set<string>();
	const path: string[] = [];
	const visit = (node: string) => {
		const at = path.indexOf(node);
		if (at >= 0) return void circles.push(path.slice(at));
		if (done.has(node)) return;
		path.push(node);
		for (const next of graph.get(node) ?? []) visit(next);
		path.pop();
		done.add(node);
	};
	for (const node of graph.keys()) visit(node);
	return circles;
}

const files = LAYERS.flatMap((layer) => sourceFiles(join(ROOT, layer)));
const shown = (path: string) => relative(ROOT, path);

describe('structure', () => {
	it(`keeps every source file in ${LAYERS.join(', ')} at ${MAX_LINES} lines or fewer`, () => {
		const long = files
			.map((file) => ({ file: shown(file), lines: readFileSync(file, 'utf8').split('\n').length }))
			.filter(({ lines }) => lines > MAX_LINES + 1);
		expect(long).toEqual([]);
	});

	it('has no import circle', () => {
		expect(findCircles(importGraph(files)).map((circle) => circle.map(shown))).toEqual([]);
	});

	it('finds a circle when there is one (the check can fail)', () => {
		const graph = new Map([
			['view-store', ['view-db', 'vector-store']],
			['vector-store', ['view-db', 'view-store']],
			['view-db', []]
		]);
		expect(findCircles(graph)).toEqual([['view-store', 'vector-store']]);
		const fixed = new Map([...graph, ['vector-store', ['view-db']]]);
		expect(findCircles(fixed)).toEqual([]);
	});

	it('resolves the aliases and extensions the app imports with', () => {
		const session = join(ROOT, 'src/lib/app/session.svelte.ts');
		expect(resolveImport(session, './api')).toBe(join(ROOT, 'src/lib/app/api.ts'));
		expect(resolveImport(session, '$sync/ids')).toBe(join(ROOT, 'sync/ids.ts'));
		expect(files.length).toBeGreaterThan(100);
	});
});
