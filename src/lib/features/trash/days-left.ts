import { TRASH_RETENTION_MS } from '$sync/doc/shard-doc';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Whole days until a thought trashed at `deletedAt` is removed for good, rounded up (its last
 * hours still count as a day left); 0 once it is due.
 */
export function daysLeft(deletedAt: number, now = Date.now()): number {
	return Math.max(0, Math.ceil((deletedAt + TRASH_RETENTION_MS - now) / DAY_MS));
}

/** "1 day left", "12 days left", or that it goes at the next start once due. */
export function daysLeftLabel(deletedAt: number, now = Date.now()): string {
	const days = daysLeft(deletedAt, now);
	if (days === 0) return 'Goes for good at the next start';
	return days === 1 ? '1 day left' : `${days} days left`;
}
