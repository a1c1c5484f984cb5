/**
 * The default name of a signed-in device, from its user agent: "Firefox on Windows". Enough
 * for a person to tell their browsers apart in the account's device list (they can rename one).
 * Order matters: most browsers also claim to be Chrome or Safari, so the specific ones go first.
 */
const BROWSERS: [pattern: RegExp, name: string][] = [
	[/Edg(e|A|iOS)?\//, 'Edge'],
	[/OPR\/|Opera/, 'Opera'],
	[/SamsungBrowser\//, 'Samsung Internet'],
	[/Vivaldi\//, 'Vivaldi'],
	[/Firefox\/|FxiOS\//, 'Firefox'],
	[/Chromium\//, 'Chromium'],
	[/Chrome\/|CriOS\//, 'Chrome'],
	[/Safari\//, 'Safari']
];

const SYSTEMS: [pattern: RegExp, name: string][] = [
	[/Android/, 'Android'],
	[/iPad/, 'iPadOS'],
	[/iPhone|iPod/, 'iOS'],
	[/CrOS/, 'ChromeOS'],
	[/Mac OS X|Macintosh/, 'macOS'],
	[/Windows/, 'Windows'],
	[/Linux|X11/, 'Linux']
];

const first = (table: [RegExp, string][], ua: string, fallback: string) =>
	table.find(([pattern]) => pattern.test(ua))?.[1] ?? fallback;

export function describeDevice(userAgent: string): string {
	return `${first(BROWSERS, userAgent, 'Browser')} on ${first(SYSTEMS, userAgent, 'unknown system')}`;
}
