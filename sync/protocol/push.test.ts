import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { PushSubscriptionSchema, isAppPath } from './push';

const keys = { p256dh: `B${'x'.repeat(86)}`, auth: 'y'.repeat(22) };
const accepts = (endpoint: string, k: object = keys) =>
	v.safeParse(PushSubscriptionSchema, { endpoint, keys: k }).success;

describe('PushSubscriptionSchema', () => {
	it('accepts the endpoints browsers hand out', () => {
		for (const endpoint of [
			'https://fcm.googleapis.com/fcm/send/cXyZ:APA91bHk-abc_DEF',
			'https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk',
			'https://web.push.apple.com/QGx0dW5hLWE',
			'https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB%2b',
			'https://127.0.0.1:8090/notify/abc',
			'https://push.example?x'
		]) {
			expect(accepts(endpoint), endpoint).toBe(true);
		}
	});

	it('refuses anything but a plain https URL', () => {
		for (const endpoint of [
			'http://fcm.googleapis.com/fcm/send/x',
			'https://user:pass@push.example/x',
			'https://push.example/a b',
			'javascript:alert(1)',
			`https://push.example/${'x'.repeat(2048)}`
		]) {
			expect(accepts(endpoint), endpoint).toBe(false);
		}
	});

	it('checks the key lengths', () => {
		const endpoint = 'https://push.example/x';
		expect(accepts(endpoint, { ...keys, p256dh: `A${'x'.repeat(86)}` })).toBe(false);
		expect(accepts(endpoint, { ...keys, p256dh: `B${'x'.repeat(85)}` })).toBe(false);
		expect(accepts(endpoint, { ...keys, auth: 'y'.repeat(21) })).toBe(false);
		expect(accepts(endpoint, { ...keys, auth: `${'y'.repeat(22)}==` })).toBe(true);
	});
});

describe('isAppPath', () => {
	it('allows paths inside the app only', () => {
		expect(['/', '/notifications', '/@ana/p1?x=1#top'].every(isAppPath)).toBe(true);
		for (const url of ['', 'x', '//evil.example', '/\\evil.example', 'https://a.b/', '/a b']) {
			expect(isAppPath(url), url).toBe(false);
		}
	});
});
