import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle';

const limits = { perSource: 3, windowMs: 60_000, hotAfter: 6, hotSpacingMs: 5_000 };

function failTimes(throttle: LoginThrottle, address: string, username: string, times: number) {
	for (let i = 0; i < times; i++) throttle.failed(address, username, 1_000);
}

describe('LoginThrottle', () => {
	it('stops one address guessing at one username, until the window ends', () => {
		const throttle = new LoginThrottle(limits);
		failTimes(throttle, '10.0.0.1', 'alice', 3);
		expect(throttle.waitMs('10.0.0.1', 'alice', 2_000)).toBe(59_000);
		expect(throttle.waitMs('10.0.0.1', 'alice', 61_000)).toBe(0);
	});

	it('never locks the owner out from another address', () => {
		const throttle = new LoginThrottle(limits);
		failTimes(throttle, '10.0.0.1', 'alice', 3);
		expect(throttle.waitMs('10.0.0.2', 'alice', 2_000)).toBe(0);
		expect(throttle.waitMs('10.0.0.1', 'bob', 2_000)).toBe(0);
	});

	it('slows every source down, without a lock, once a username is attacked from many', () => {
		const throttle = new LoginThrottle(limits);
		failTimes(throttle, '10.0.0.1', 'alice', 3);
		failTimes(throttle, '10.0.0.2', 'alice', 2);
		// The sixth failure from anywhere makes alice hot: each source now waits between tries.
		throttle.failed('192.168.1.5', 'alice', 1_000);
		expect(throttle.waitMs('192.168.1.5', 'alice', 1_000)).toBe(5_000);
		expect(throttle.waitMs('192.168.1.5', 'alice', 6_000)).toBe(0);
		// A source that has not failed yet goes straight ahead.
		expect(throttle.waitMs('10.0.0.9', 'alice', 1_000)).toBe(0);
	});

	it('forgets a source once its person signs in', () => {
		const throttle = new LoginThrottle(limits);
		failTimes(throttle, '10.0.0.1', 'alice', 3);
		throttle.succeeded('10.0.0.1', 'alice');
		expect(throttle.waitMs('10.0.0.1', 'alice', 2_000)).toBe(0);
	});

	it('stays bounded under a flood of distinct usernames, all within the window', () => {
		const throttle = new LoginThrottle(limits);
		failTimes(throttle, '10.0.0.1', 'user0', 3);
		for (let i = 1; i < 25_000; i++) throttle.failed('10.0.0.1', `user${i}`, 1_000 + i);
		// The oldest made room (its window had not expired); the newest are still tracked.
		failTimes(throttle, '10.0.0.1', 'user24999', 2);
		expect(throttle.waitMs('10.0.0.1', 'user24999', 30_000)).toBeGreaterThan(0);
		expect(throttle.waitMs('10.0.0.1', 'user0', 30_000)).toBe(0);
	});
});
