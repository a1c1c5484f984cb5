import { describe, expect, it } from 'vitest';
import { describeDevice } from './device-name';

/** Real user agents, one per browser a person might sign in from. */
const AGENTS: [ua: string, name: string][] = [
	[
		'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
		'Chrome on Linux'
	],
	[
		'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
		'Chrome on Linux'
	],
	['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox on Linux'],
	[
		'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
		'Edge on Windows'
	],
	[
		'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
		'Safari on macOS'
	],
	[
		'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
		'Chrome on iOS'
	],
	[
		'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
		'Safari on iPadOS'
	],
	[
		'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
		'Samsung Internet on Android'
	],
	[
		'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0',
		'Opera on Windows'
	],
	[
		'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
		'Chrome on ChromeOS'
	]
];

describe('describeDevice', () => {
	it.each(AGENTS)('names %s', (ua, name) => {
		expect(describeDevice(ua)).toBe(name);
	});

	it('tells two browsers on one machine apart', () => {
		const names = new Set(AGENTS.slice(0, 4).map(([ua]) => describeDevice(ua)));
		expect(names).toEqual(new Set(['Chrome on Linux', 'Firefox on Linux', 'Edge on Windows']));
	});

	it('still names a device it does not recognise', () => {
		expect(describeDevice('curl/8.5.0')).toBe('Browser on unknown system');
	});
});
