import { build } from 'esbuild';

// Node 20 cannot run TypeScript, so `npm start` runs this bundle. npm packages stay external.
// The embedding worker is its own entry: worker threads start from a file, found beside main.js.
await build({
	entryPoints: {
		main: 'server/main.ts',
		'embed-worker': 'server/ai/embed-worker.ts'
	},
	outdir: 'dist/server',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	sourcemap: true,
	logLevel: 'warning'
});
