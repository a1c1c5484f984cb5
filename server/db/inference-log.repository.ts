import type { Db } from './open';
import { inferenceLog } from './schema';

export type InferenceLogRow = typeof inferenceLog.$inferInsert;

/** The server's record of embedding jobs: who ran which model, how big, how long. */
export class InferenceLogRepository {
	constructor(private readonly db: Db) {}

	insert(row: InferenceLogRow): void {
		this.db.insert(inferenceLog).values(row).run();
	}
}
