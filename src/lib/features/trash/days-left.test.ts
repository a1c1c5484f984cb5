import { describe, expect, it } from 'vitest';
import { TRASH_RETENTION_MS } from '$sync/doc/shard-doc';
import { daysLeft, daysLeftLabel } from './days-left';

const DAY = 24 * 60 * 60 * 1000;
const deletedAt = Date.UTC(2026, 0, 1);

describe('days left in the trash', () => {
	it('counts whole days down from 30, rounding part of a day up', () => {
		expect(daysLeft(deletedAt, deletedAt)).toBe(30);
		expect(daysLeft(deletedAt, deletedAt + 1)).toBe(30);
		expect(daysLeft(deletedAt, deletedAt + DAY)).toBe(29);
		expect(daysLeft(deletedAt, deletedAt + TRASH_RETENTION_MS - 1)).toBe(1);
		expect(daysLeft(deletedAt, deletedAt + TRASH_RETENTION_MS)).toBe(0);
		expect(daysLeft(deletedAt, deletedAt + 2 * TRASH_RETENTION_MS)).toBe(0);
	});

	it('says it in words', () => {
		expect(daysLeftLabel(deletedAt, deletedAt + 5 * DAY)).toBe('25 days left');
		expect(daysLeftLabel(deletedAt, deletedAt + 29 * DAY)).toBe('1 day left');
		expect(daysLeftLabel(deletedAt, deletedAt + 30 * DAY)).toBe('Goes for good at the next start');
	});
});
