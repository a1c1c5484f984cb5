import js from '@eslint/js';
import { builtinModules } from 'node:module';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/**
 * Layering (CONTRIBUTING.md, "Layers"). Each rule set names imports one layer must not make;
 * `layer()` gives a folder the union of its sets. A later flat-config object's options for a
 * rule replace an earlier one's for the same file, so a nested folder lists its parent's sets
 * again instead of inheriting them. tests/lint/boundaries.test.ts proves every set still bites.
 */
const forbid = (message, group) => ({ patterns: [{ group, message }] });

const SERVER = forbid('The PWA never imports server code.', ['**/server/**']);
const APP = forbid('The server never imports the PWA or Svelte.', [
	'**/src/**',
	'$lib',
	'$lib/*',
	'$app/*',
	'$env/*',
	'svelte',
	'svelte/*'
]);
const FEATURES = forbid('Features sit on top: this layer must not import them.', [
	'$lib/features',
	'$lib/features/*',
	'**/features/**'
]);
const CONTRACT = forbid('ui/ holds domain-free primitives: no sync/ contract.', [
	'$sync',
	'$sync/*',
	'**/sync/**'
]);
/** sync/ runs unchanged in the browser, a worker and Node: only pure modules. */
const PURE = {
	paths: builtinModules
		.filter((name) => !name.startsWith('_'))
		.map((name) => ({ name, message: 'sync/ is pure: no Node builtins.' })),
	patterns: [
		{
			group: ['**/src/**', '$lib', '$lib/*', '$app/*', '**/server/**', 'svelte', 'svelte/*'],
			message: 'sync/ is the shared contract: no app, server or Svelte imports.'
		},
		{
			group: [
				'node:*',
				'better-sqlite3',
				'drizzle-orm',
				'drizzle-orm/*',
				'drizzle-kit',
				'ws',
				'@hocuspocus/*',
				'y-indexeddb',
				'y-websocket',
				'@y/*',
				'dexie',
				'onnxruntime-node',
				'onnxruntime-web',
				'@huggingface/*',
				'@node-rs/*',
				'web-push',
				'prom-client',
				'workbox-*'
			],
			message: 'sync/ is pure: no Node, storage, transport or runtime packages.'
		}
	]
};
const YJS_HOMES = 'Yjs values live in sync/ accessors, src/lib/replica/ and server/relay/.';
/** Documents are opened, persisted and relayed in replica/ and relay/ only; type imports are fine. */
const YJS = {
	paths: ['yjs', 'y-indexeddb', 'y-websocket', '@hocuspocus/provider', '@hocuspocus/server'].map(
		(name) => ({ name, allowTypeImports: true, message: YJS_HOMES })
	),
	patterns: [{ group: ['y-protocols/*'], allowTypeImports: true, message: YJS_HOMES }]
};

const TESTS = ['**/*.test.ts'];

/**
 * The import rule for one folder: `sets` everywhere in it, plus YJS in its source when
 * `yjsValues` is false. Tests beside the source may build documents.
 */
function layer(folder, sets, { yjsValues = false } = {}) {
	const options = (all) => ({
		paths: all.flatMap((set) => set.paths ?? []),
		patterns: all.flatMap((set) => set.patterns ?? [])
	});
	const rule = (all) => ({ '@typescript-eslint/no-restricted-imports': ['error', options(all)] });
	const files = [`${folder}/**`];
	return [
		{ files, ignores: TESTS, rules: rule(yjsValues ? sets : [...sets, YJS]) },
		{ files: TESTS.map((glob) => `${folder}/${glob}`), rules: rule(sets) }
	];
}

export default ts.config(
	{
		ignores: ['build/', 'dist/', '.svelte-kit/', 'data/', 'static/', 'test-results/', 'tests/.tmp/']
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
			// Shared ids are rendered by index-free each blocks keyed by id; resolve() is not used.
			'svelte/no-navigation-without-resolve': 'off',
			// State classes keep private caches (Map/Set) that nothing renders; rendered state is
			// $state.raw replaced wholesale. Svelte's reactive collections would only add cost.
			'svelte/prefer-svelte-reactivity': 'off'
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { parser: ts.parser, svelteConfig } }
	},
	{
		// A floating promise in sync code is a silently lost write.
		files: ['src/**/*.ts', 'sync/**/*.ts', 'server/**/*.ts'],
		// The service worker has its own lib (webworker) and is checked by svelte-check.
		ignores: ['**/*.test.ts', 'src/sw.ts'],
		languageOptions: { parserOptions: { projectService: true } },
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }]
		}
	},
	// General before specific: a nested folder's objects come later and replace its parent's.
	...layer('sync', [PURE], { yjsValues: true }),
	...layer('server', [APP]),
	...layer('server/relay', [APP], { yjsValues: true }),
	...layer('src', [SERVER]),
	...layer('src/lib/replica', [SERVER, FEATURES], { yjsValues: true }),
	...layer('src/lib/ai', [SERVER, FEATURES]),
	...layer('src/lib/ui', [SERVER, FEATURES, CONTRACT])
);
