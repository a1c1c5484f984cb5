import { describe, expect, it } from 'vitest';
import { parseDay } from './day-input';

describe('parseDay', () => {
	it('reads full and short dates, and an empty field as no bound', () => {
		expect(parseDay('2024-02-03')).toBe('2024-02-03');
		expect(parseDay(' 2024-2-3 ')).toBe('2024-02-03');
		expect(parseDay('')).toBe('');
	});

	it('is null for what is not a real date yet', () => {
		for (const typed of ['2024-02-', '2024-02-30', '2023-02-29', '03/02/2024', '2024-13-01']) {
			expect(parseDay(typed), typed).toBeNull();
		}
		expect(parseDay('2024-02-29')).toBe('2024-02-29');
	});
});
