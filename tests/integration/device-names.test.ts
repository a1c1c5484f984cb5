import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DEVICE_NAME, type Device } from '../../sync/protocol/api';
import { register, signIn, startTestServer, type Account, type TestServer } from './harness';

/** Renaming devices (PATCH /api/devices/:id): the owner's own live sessions only, validated. */
let t: TestServer;
let laptop: Account;
let phone: Account;
let stranger: Account;
const password = 'correct horse battery';

async function rename(who: Account | null, id: string, body: unknown, origin = t.base) {
	const headers: Record<string, string> = { Origin: origin, 'Content-Type': 'application/json' };
	if (who) headers.Cookie = who.cookie;
	const res = await fetch(`${t.base}/api/devices/${id}`, {
		method: 'PATCH',
		headers,
		body: typeof body === 'string' ? body : JSON.stringify(body)
	});
	const text = await res.text();
	return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function names(who: Account): Promise<Record<string, string>> {
	const res = await fetch(`${t.base}/api/devices`, { headers: { Cookie: who.cookie } });
	const { devices } = (await res.json()) as { devices: Device[] };
	return Object.fromEntries(devices.map((device) => [device.id, device.name]));
}

beforeAll(async () => {
	t = await startTestServer();
	laptop = await register(t.base, `dn_${process.pid}_a`);
	phone = await signIn(t.base, 'login', laptop.username, password);
	stranger = await register(t.base, `dn_${process.pid}_b`);
});
afterAll(() => t?.stop());

describe('device names', () => {
	it('renames one of my devices from another, trimmed, and only that one', async () => {
		expect((await rename(laptop, phone.sessionId, { name: '  Work phone  ' })).status).toBe(204);
		expect(await names(laptop)).toEqual({
			[laptop.sessionId]: 'test register',
			[phone.sessionId]: 'Work phone'
		});
		expect((await rename(phone, phone.sessionId, { name: 'Pixel, Firefox' })).status).toBe(204);
		expect((await names(phone))[phone.sessionId]).toBe('Pixel, Firefox');
	});

	it('never renames someone else’s device, and says only that there is no such device', async () => {
		const answer = await rename(stranger, laptop.sessionId, { name: 'Mine now' });
		expect(answer.status).toBe(404);
		expect(answer.json.error.code).toBe('not_found');
		expect((await names(laptop))[laptop.sessionId]).toBe('test register');
	});

	it.each([
		['an empty name', { name: '   ' }],
		['a name too long', { name: 'x'.repeat(81) }],
		['a control character', { name: 'Phone\nInjected: header' }],
		['a name that is not text', { name: 42 }],
		['no name', {}],
		['a body that is not JSON', '{name:'],
		['an array', [{ name: 'Phone' }]]
	])('refuses %s with a 400 and keeps the old name', async (_what, body) => {
		const before = await names(laptop);
		const answer = await rename(laptop, phone.sessionId, body);
		expect(answer.status).toBe(400);
		expect(answer.json.error.code).toBe('invalid_body');
		expect(await names(laptop)).toEqual(before);
	});

	it('takes a name of exactly the longest length', async () => {
		const name = 'é'.repeat(80);
		expect((await rename(laptop, phone.sessionId, { name })).status).toBe(204);
		expect((await names(laptop))[phone.sessionId]).toBe(name);
	});

	it('refuses signed-out callers, other sites and ids that are not devices', async () => {
		expect((await rename(null, phone.sessionId, { name: 'x' })).status).toBe(401);
		expect((await rename(laptop, phone.sessionId, { name: 'x' }, 'https://evil.test')).status).toBe(
			403
		);
		expect((await rename(laptop, 'not-a-device', { name: 'x' })).status).toBe(404);
		expect((await rename(laptop, 'f'.repeat(24), { name: 'x' })).status).toBe(404);
	});

	it('answers any name or body with a stored name or a typed 400, never a 5xx', async () => {
		const anyName = fc.string({ unit: 'grapheme', maxLength: MAX_DEVICE_NAME + 10 });
		const bodies = fc.oneof(
			anyName.map((name) => ({ name })),
			fc.jsonValue(),
			fc.string().map((raw) => `"${raw}`)
		);
		await fc.assert(
			fc.asyncProperty(bodies, async (body) => {
				const answer = await rename(laptop, phone.sessionId, body);
				expect([204, 400]).toContain(answer.status);
				if (answer.status === 400) {
					expect(answer.json.error.code).toBe('invalid_body');
					return;
				}
				const stored = (await names(laptop))[phone.sessionId];
				expect(stored).toBe((body as { name: string }).name.trim());
				expect([...stored].every((c) => c >= ' ' && c !== '\u007f')).toBe(true);
			}),
			{ seed: 1712, numRuns: 200 }
		);
	}, 60_000);

	it('cannot rename a device once it is signed out', async () => {
		const tablet = await signIn(t.base, 'login', laptop.username, password);
		const revoked = await fetch(`${t.base}/api/devices/${tablet.sessionId}`, {
			method: 'DELETE',
			headers: { Cookie: laptop.cookie, Origin: t.base }
		});
		expect(revoked.status).toBe(204);
		expect((await rename(laptop, tablet.sessionId, { name: 'Back again' })).status).toBe(404);
	});
});
