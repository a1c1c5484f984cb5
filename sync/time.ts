/**
 * Times in the contract are milliseconds since 1970 UTC. A peer's value is checked here and only
 * here: inside JavaScript's Date range (so `toISOString` never throws) and no earlier than 1970.
 */
export const LATEST_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** How far a device clock may run ahead before its time is taken as wrong, not early. */
export const CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

export function isValidTime(value: unknown): value is number {
	return typeof value === 'number' && value >= 0 && value <= LATEST_TIME;
}

/**
 * The time a shared thought is shown under: never later than the moment it was published (plus
 * clock skew), so a forged far-future date cannot pin a post above everything else.
 */
export function publishedTime(createdAt: number, now: number): number {
	// Whole milliseconds: post cursors are written as integers.
	return Math.floor(Math.min(Math.max(createdAt, 0), now + CLOCK_SKEW_MS));
}

/** ISO 8601 for a valid time, or null: renderers show no date rather than fail. */
export function isoTime(value: unknown): string | null {
	return isValidTime(value) ? new Date(value).toISOString() : null;
}
