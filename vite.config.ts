import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';
import { manifest } from './src/app-manifest.ts';

export default defineConfig({
	define: {
		// workbox-* modules read this; the service worker has no `process`.
		'process.env.NODE_ENV': JSON.stringify(
			process.env.NODE_ENV === 'development' ? 'development' : 'production'
		)
	},
	// The AI worker imports modules (onnxruntime-web): it must be built as an ES module worker.
	worker: { format: 'es' },
	resolve: {
		alias: [
			// transformers.js imports ORT's WebGPU build, which would bundle a second, 27 MB wasm.
			// Every model runs on the CPU wasm runtime, so it shares the built-in model's (precached).
			{ find: /^onnxruntime-web\/webgpu$/, replacement: 'onnxruntime-web/wasm' }
		]
	},
	server: {
		// `npm run dev` runs the API and relay beside Vite (scripts/dev.mjs); proxy to them.
		proxy: process.env.DEV_API_PORT
			? Object.fromEntries(
					['/api', '/sync', '/healthz', '/metrics'].map((path) => [
						path,
						{ target: `http://127.0.0.1:${process.env.DEV_API_PORT}`, ws: path === '/sync' }
					])
				)
			: undefined
	},
	plugins: [
		sveltekit(),
		SvelteKitPWA({
			strategies: 'injectManifest',
			srcDir: 'src',
			filename: 'sw.ts',
			registerType: 'prompt',
			manifest,
			injectManifest: {
				// A pattern starting with client/ replaces the plugin's defaults: list everything.
				globPatterns: [
					'client/**/*.{js,mjs,css,ico,png,svg,webp,webmanifest,wasm,woff2,json,txt,onnx}',
					'prerendered/**/*.{html,json}'
				],
				// onnxruntime-web's GPU build (src/lib/ai/webgpu-runtime.ts) loads only for a model set
				// to run on WebGPU: its 28 MB wasm is never precached.
				globIgnores: ['client/**/ort-wasm-simd-threaded.jsep*.wasm'],
				maximumFileSizeToCacheInBytes: 32 * 1024 * 1024
			},
			kit: { includeVersionFile: true }
		})
	],
	test: {
		include: [
			'{src,sync,server,scripts,models}/**/*.test.ts',
			'tests/{integration,lint,ai}/**/*.test.ts'
		],
		environment: 'node',
		testTimeout: 20_000
	}
});
