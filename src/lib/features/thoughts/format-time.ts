import { isValidTime } from '$sync/time';

const sameDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const sameYear = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const older = new Intl.DateTimeFormat(undefined, {
	year: 'numeric',
	month: 'short',
	day: 'numeric'
});

/** Short, human time for the timeline: "14:03", "Mar 3", "Mar 3, 2023"; "undated" if bad. */
export function formatThoughtTime(ms: number, now = Date.now()): string {
	if (!isValidTime(ms)) return 'undated';
	const date = new Date(ms);
	const today = new Date(now);
	if (date.toDateString() === today.toDateString()) return sameDay.format(date);
	if (date.getFullYear() === today.getFullYear()) return sameYear.format(date);
	return older.format(date);
}

/** Local-time bounds of a `yyyy-mm-dd` date input value; null for an empty input. */
export function startOfDay(day: string): number | null {
	return day ? Date.parse(`${day}T00:00:00`) : null;
}

export function endOfDay(day: string): number | null {
	return day ? Date.parse(`${day}T23:59:59.999`) : null;
}
