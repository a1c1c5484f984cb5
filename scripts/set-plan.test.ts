import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../server/db/open';
import { UsersRepository } from '../server/db/users.repository';
import { MIGRATIONS_DIR } from '../server/services';

const dataDir = mkdtempSync(join(tmpdir(), 't10x-plan-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The script as an operator runs it; its exit code and what it printed. */
function setPlan(args: string[], env: Record<string, string> = {}) {
	try {
		const out = execFileSync(
			process.execPath,
			['--import', 'tsx', 'scripts/set-plan.ts', ...args],
			{ env: { ...process.env, DATA_DIR: dataDir, ...env }, stdio: 'pipe', encoding: 'utf8' }
		);
		return { code: 0, out };
	} catch (error) {
		const failed = error as { status: number; stderr: string };
		return { code: failed.status, out: failed.stderr };
	}
}

it('moves an account to a plan of AI_PLANS, and refuses unknown plans and accounts', () => {
	const database = openDatabase(join(dataDir, 'thoughts10x.sqlite'), MIGRATIONS_DIR);
	const users = new UsersRepository(database.db);
	users.insert({ id: 'u1', username: 'alice', passwordHash: 'x', createdAt: 0 });
	expect(users.planOf('u1')).toBe('free');
	const plans = { AI_PLANS: '{"pro": {"computeSecondsPerDay": 60, "tokensPerDay": 1000}}' };

	expect(setPlan(['Alice', 'pro'], plans)).toEqual({
		code: 0,
		out: 'plan: Alice is now on the pro plan\n'
	});
	expect(users.planOf('u1')).toBe('pro');
	expect(setPlan(['alice', 'gold'], plans)).toMatchObject({ code: 1, out: /no plan "gold"/ });
	expect(setPlan(['bob', 'pro'], plans)).toMatchObject({ code: 1, out: /no account "bob"/ });
	expect(setPlan(['alice'])).toMatchObject({ code: 1, out: /usage: npm run plan/ });
	expect(setPlan(['alice', 'free'])).toMatchObject({ code: 0 });
	expect(users.planOf('u1')).toBe('free');
	database.close();
});
