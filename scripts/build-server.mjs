import { build } from 'esbuild';

// Node 20 cannot run TypeScript, so `npm start` runs this bundle. npm packages stay external.
// Workers are entries of their own: a worker thread or a forked process starts from a file,
// found beside main.js (the model runners, the model probe's child process).
await build({
	entryPoints: {
		main: 'server/main.ts',
		'model-runner-process': 'server/ai/model-runner-process.ts',
		'model-probe-process': 'server/ai/model-probe-process.ts'
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
