import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { VAPID_FILE, VapidKeysError, loadVapidKeys } from './vapid-keys';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const freshDir = () => (dir = mkdtempSync(join(tmpdir(), 't10x-vapid-')));

describe('loadVapidKeys', () => {
	it('makes a key pair at first start, owner-readable only, and keeps it', () => {
		freshDir();
		const first = loadVapidKeys(dir, 'mailto:ops@example.org');
		expect(first.publicKey).toMatch(/^B[A-Za-z0-9_-]{86}$/);
		expect(first.privateKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(statSync(join(dir, VAPID_FILE)).mode & 0o777).toBe(0o600);
		expect(readdirSync(dir)).toEqual([VAPID_FILE]);
		const again = loadVapidKeys(dir, 'https://example.org/contact');
		expect(again).toEqual({ ...first, subject: 'https://example.org/contact' });
	});

	it('refuses a damaged file rather than quietly making new keys', () => {
		freshDir();
		writeFileSync(join(dir, VAPID_FILE), '{"publicKey":"short"}');
		expect(() => loadVapidKeys(dir, 'mailto:ops@example.org')).toThrow(VapidKeysError);
		writeFileSync(join(dir, VAPID_FILE), '');
		expect(() => loadVapidKeys(dir, 'mailto:ops@example.org')).toThrow(VapidKeysError);
	});
});

describe('VAPID_SUBJECT', () => {
	it('defaults to a mailto: address and accepts mailto: or https: URIs only', () => {
		expect(loadConfig({}).push.vapidSubject).toBe('mailto:admin@localhost');
		expect(loadConfig({ VAPID_SUBJECT: ' https://example.org ' }).push.vapidSubject).toBe(
			'https://example.org'
		);
		for (const bad of ['admin@example.org', 'http://example.org', 'ftp://x']) {
			expect(() => loadConfig({ VAPID_SUBJECT: bad })).toThrow(ConfigError);
		}
	});
});
