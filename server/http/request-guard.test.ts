import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, isSameOrigin } from './request-guard';

const request = (
	remoteAddress: string,
	headers: Record<string, string> = {},
	encrypted = false
): IncomingMessage =>
	({ socket: { remoteAddress, encrypted }, headers }) as unknown as IncomingMessage;

describe('clientAddress', () => {
	it('believes X-Forwarded-For only from a proxy on loopback, and only its last entry', () => {
		const proxied = request('127.0.0.1', { 'x-forwarded-for': '6.6.6.6, 203.0.113.7' });
		expect(clientAddress(proxied)).toBe('203.0.113.7');
		expect(clientAddress(request('198.51.100.2', { 'x-forwarded-for': '10.0.0.1' }))).toBe(
			'198.51.100.2'
		);
		expect(clientAddress(request('::1'))).toBe('::1');
	});
});

describe('isSameOrigin', () => {
	const host = { host: 'thoughts.example' };

	it('compares the scheme when the request tells it', () => {
		const tls = request('127.0.0.1', { ...host, origin: 'https://thoughts.example' }, true);
		expect(isSameOrigin(tls)).toBe(true);
		const downgraded = request('127.0.0.1', { ...host, origin: 'http://thoughts.example' }, true);
		expect(isSameOrigin(downgraded)).toBe(false);
		const forwarded = { ...host, 'x-forwarded-proto': 'https', origin: 'http://thoughts.example' };
		expect(isSameOrigin(request('127.0.0.1', forwarded))).toBe(false);
	});

	it('falls back to the host behind a proxy that does not say the scheme', () => {
		const proxy = { ...host, 'x-forwarded-for': '203.0.113.7' };
		const silent = request('127.0.0.1', { ...proxy, origin: 'https://thoughts.example' });
		expect(isSameOrigin(silent)).toBe(true);
		const direct = request('127.0.0.1', { ...host, origin: 'https://thoughts.example' });
		expect(isSameOrigin(direct)).toBe(false);
		const elsewhere = request('127.0.0.1', { ...host, origin: 'https://evil.example' });
		expect(isSameOrigin(elsewhere)).toBe(false);
	});
});
