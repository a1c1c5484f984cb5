import { ESLint, type Linter } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Lints deliberately wrong imports at virtual paths with the project's own eslint.config.js, so
 * a layer rule that stops matching (a replaced option list, a renamed folder) fails here.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const RULE = '@typescript-eslint/no-restricted-imports';

let eslint: ESLint;
beforeAll(() => {
	eslint = new ESLint({
		cwd: root,
		// The probe files do not exist, so the type-aware block cannot load them; its rules
		// are not what this test is about.
		overrideConfig: {
			languageOptions: { parserOptions: { projectService: false } },
			rules: {
				'@typescript-eslint/no-floating-promises': 'off',
				'@typescript-eslint/no-misused-promises': 'off'
			}
		},
		ruleFilter: ({ ruleId }) => ruleId === RULE
	});
});

async function lint(path: string, code: string): Promise<Linter.LintMessage[]> {
	const [result] = await eslint.lintText(code, { filePath: `${root}/${path}` });
	return result.messages;
}

const use = (statement: string) => `${statement}\nconsole.log(x);\n`;

describe.each([
	['src/lib/ui/x.ts', "import x from '../../../server/http/app';", 'never imports server'],
	[
		'src/lib/ui/X.svelte',
		'<script lang="ts">import x from \'$lib/features/a/b\';</script>',
		'Features'
	],
	['src/lib/ui/x.ts', "import * as x from '$sync/ids';", 'domain-free'],
	[
		'src/lib/features/a/x.ts',
		"import x from '../../../../server/db/open';",
		'never imports server'
	],
	['server/http/x.ts', "import x from '../../src/lib/app/api';", 'never imports the PWA'],
	['server/x.ts', "import x from 'svelte';", 'never imports the PWA'],
	['sync/x.ts', "import x from 'fs';", 'no Node builtins'],
	['sync/x.ts', "import x from 'node:fs';", 'sync/ is pure'],
	['sync/doc/x.ts', "import x from 'better-sqlite3';", 'sync/ is pure'],
	['sync/x.ts', "import x from 'dexie';", 'sync/ is pure'],
	['sync/x.ts', "import x from '$lib/app/api';", 'shared contract'],
	['src/lib/features/a/x.ts', "import * as x from 'yjs';", 'Yjs values'],
	['src/lib/app/x.ts', "import x from 'y-indexeddb';", 'Yjs values'],
	['server/services/x.ts', "import * as x from 'yjs';", 'Yjs values'],
	['src/lib/replica/x.ts', "import x from '$lib/features/a/b';", 'Features'],
	['src/lib/ai/x.ts', "import x from '../features/a/b';", 'Features'],
	['src/lib/ai/x.ts', "import * as x from 'yjs';", 'Yjs values']
])('%s: %s', (path, statement, reason) => {
	it('is refused', async () => {
		const messages = await lint(path, use(statement));
		expect(messages.map((m) => m.ruleId)).toEqual([RULE]);
		expect(messages[0].message).toContain(reason);
	});
});

describe.each([
	['src/lib/features/a/x.ts', "import type * as x from 'yjs';"],
	['src/lib/features/a/x.test.ts', "import * as x from 'yjs';"],
	['src/lib/replica/x.ts', "import * as x from 'yjs';"],
	['server/relay/x.ts', "import * as x from 'yjs';"],
	['sync/doc/x.ts', "import * as x from 'yjs';"],
	['sync/x.ts', "import x from './events';"],
	['src/lib/ai/x.ts', "import x from '$lib/replica/view-store';"],
	['server/http/x.ts', "import * as x from '../../sync/ids';"],
	['src/lib/ui/x.ts', "import x from './download';"]
])('%s: %s', (path, statement) => {
	it('is allowed', async () => {
		expect(await lint(path, use(statement))).toEqual([]);
	});
});
