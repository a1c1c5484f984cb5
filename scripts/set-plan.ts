/**
 * Moves an account to another AI plan (one of AI_PLANS, or free):
 *   npm run plan -- USERNAME PLAN
 * It writes the users table in DATA_DIR; a running server applies it within 5 seconds.
 */
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../server/config';
import { openDatabase } from '../server/db/open';
import { UsersRepository } from '../server/db/users.repository';
import { MIGRATIONS_DIR } from '../server/services';

const USAGE = 'usage: npm run plan -- USERNAME PLAN';

function main(): void {
	const [username, plan] = process.argv.slice(2);
	if (!username || !plan) fail(USAGE);
	let config;
	try {
		config = loadConfig(process.env);
	} catch (error) {
		fail(error instanceof ConfigError ? error.message : String(error));
	}
	const plans = Object.keys(config.ai.plans);
	if (!plans.includes(plan)) fail(`plan: no plan "${plan}"; AI_PLANS has ${plans.join(', ')}`);
	const database = openDatabase(join(config.dataDir, 'thoughts10x.sqlite'), MIGRATIONS_DIR);
	try {
		if (!new UsersRepository(database.db).setPlan(username.toLowerCase(), plan)) {
			fail(`plan: no account "${username}" in ${config.dataDir}`);
		}
		console.log(`plan: ${username} is now on the ${plan} plan`);
	} finally {
		database.close();
	}
}

function fail(message: string): never {
	console.error(message);
	process.exit(1);
}

main();
