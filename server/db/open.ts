import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

/** What drizzle() returns: the query builder, plus the better-sqlite3 connection as `$client`. */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface OpenDatabase {
	db: Db;
	sqlite: Database.Database;
	close(): void;
}

/**
 * Opens the SQLite file, sets durability explicitly and applies committed migrations.
 * better-sqlite3 reports synchronous=FULL only on the connection that switched the file to WAL,
 * so it is set (and checked) on every open.
 */
export function openDatabase(file: string, migrationsFolder: string): OpenDatabase {
	const sqlite = new Database(file);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('synchronous = FULL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	const synchronous = sqlite.pragma('synchronous', { simple: true });
	if (synchronous !== 2) throw new Error(`SQLite synchronous is ${synchronous}, expected FULL (2)`);
	const db = drizzle(sqlite, { schema });
	migrate(db, { migrationsFolder });
	return { db, sqlite, close: () => sqlite.close() };
}
