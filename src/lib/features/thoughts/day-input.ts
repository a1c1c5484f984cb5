/**
 * A date typed into a filter, as the `yyyy-mm-dd` the timeline filters by: '' for an empty
 * field (no bound), null while it is not a real date yet ("2024-02-3", "2024-02-30").
 * Single-digit months and days are accepted and padded: `2024-2-3` is `2024-02-03`.
 */
export function parseDay(typed: string): string | null {
	const text = typed.trim();
	if (text === '') return '';
	const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
	if (!match) return null;
	const [year, month, day] = match.slice(1).map(Number);
	const date = new Date(Date.UTC(year, month - 1, day));
	const isReal =
		date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
	if (!isReal) return null;
	return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
