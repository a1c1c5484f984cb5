import { sql } from 'drizzle-orm';

/** A named slot in a prepared statement, bound by name each time it runs. */
export const param = sql.placeholder;
