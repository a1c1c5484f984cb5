import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * What one durable commit costs on this machine's disk, as the relay makes them (WAL,
 * synchronous=FULL, one small row): the floor under our relay's latency, which relays an edit
 * only once it is on disk. Median of `commits` single-row transactions.
 */
export function durableCommitMs(commits = 300): number {
	const dir = mkdtempSync(join(tmpdir(), 't10x-disk-'));
	const db = new Database(join(dir, 'probe.sqlite'));
	try {
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = FULL');
		db.exec('CREATE TABLE probe (seq INTEGER PRIMARY KEY, update_bytes BLOB)');
		const insert = db.prepare('INSERT INTO probe (update_bytes) VALUES (?)');
		const row = Buffer.alloc(64);
		const times: number[] = [];
		for (let i = 0; i < commits; i++) {
			const start = performance.now();
			insert.run(row);
			times.push(performance.now() - start);
		}
		times.sort((a, b) => a - b);
		return times[Math.floor(times.length / 2)];
	} finally {
		db.close();
		rmSync(dir, { recursive: true, force: true });
	}
}
