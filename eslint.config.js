import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

const restrict = (patterns) => ['error', { patterns }];

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
	// Layering (STYLE.md): sync/ is shared and imports neither side; src/ never imports server/;
	// ui/ primitives know nothing of features or the contract.
	{
		files: ['sync/**'],
		rules: {
			'no-restricted-imports': restrict([
				{
					group: ['**/src/**', '$lib/*', '**/server/**', 'svelte', 'svelte/*', 'node:*'],
					message: 'sync/ is the shared contract: no app, server, Svelte or Node imports.'
				}
			])
		}
	},
	{
		files: ['src/**'],
		rules: {
			'no-restricted-imports': restrict([
				{ group: ['**/server/**', '$server/*'], message: 'The PWA never imports server code.' }
			])
		}
	},
	{
		files: ['src/lib/ui/**'],
		rules: {
			'no-restricted-imports': restrict([
				{
					group: ['$lib/features/*', '$sync/*', '**/features/**'],
					message: 'ui/ holds domain-free primitives.'
				}
			])
		}
	}
);
