import { build } from 'esbuild';

// Node 20 cannot run TypeScript, so `npm start` runs this bundle. npm packages stay external.
await build({
	entryPoints: ['server/main.ts'],
	outfile: 'dist/server/main.js',
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20',
	packages: 'external',
	sourcemap: true,
	logLevel: 'warning'
});
