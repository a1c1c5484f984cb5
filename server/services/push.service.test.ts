import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import webpush, { type SendResult } from 'web-push';
import { openDatabase, type OpenDatabase } from '../db/open';
import { PushRepository, type StoredSubscription } from '../db/push.repository';
import { MIGRATIONS_DIR } from '../services';
import type { PushMessage } from './push-delivery';
import type { PushQueueOptions, PushSender } from './push-queue';
import { PushService } from './push.service';

const dir = mkdtempSync(join(tmpdir(), 't10x-push-'));
let database: OpenDatabase;
let repository: PushRepository;
let registry: Registry;
let service: PushService;
let calls: { endpoint: string; payload: string; ttl: unknown }[];
/** What the stub push service answers, per endpoint, one answer per call. */
let script: Map<string, (() => Promise<SendResult>)[]>;

const FAST: PushQueueOptions = {
	concurrency: 4,
	maxQueued: 100,
	attempts: 3,
	backoffMs: 1,
	deadlineMs: 1000
};
const ok = (): Promise<SendResult> => Promise.resolve({ statusCode: 201, body: '', headers: {} });
const status =
	(code: number, headers: Record<string, string> = {}) =>
	() =>
		Promise.reject(new webpush.WebPushError('push service said no', code, headers, '', 'x'));
const network = () =>
	Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
const never = () => new Promise<SendResult>(() => {});

const stubSender: PushSender = (subscription, payload, options) => {
	calls.push({ endpoint: subscription.endpoint, payload, ttl: options.TTL });
	const next = script.get(subscription.endpoint)?.shift() ?? ok;
	return next();
};

const device = (n: number): StoredSubscription => ({
	endpoint: `https://push.example/send/${n}`,
	keys: { p256dh: `B${'p'.repeat(86)}`, auth: 'a'.repeat(22) }
});
const like: PushMessage = {
	type: 'like',
	title: 'New like',
	body: 'bob liked your post',
	url: '/@ana/post1'
};

function start(options: PushQueueOptions = FAST, send: PushSender = stubSender): PushService {
	registry = new Registry();
	service = new PushService({
		repository,
		vapid: { subject: 'mailto:test@example.org', ...webpush.generateVAPIDKeys() },
		registry,
		queue: options,
		send
	});
	return service;
}

async function outcomes(): Promise<Record<string, number>> {
	const metric = await registry.getSingleMetric('t10x_push_messages_total')!.get();
	return Object.fromEntries(metric.values.map((v) => [v.labels.outcome, v.value]));
}

beforeAll(() => {
	database = openDatabase(join(dir, 'push.sqlite'), MIGRATIONS_DIR);
	repository = new PushRepository(database.db);
	database.sqlite
		.prepare(
			"INSERT INTO users (id, username, password_hash, created_at) VALUES ('ana', 'ana', 'x', 0)"
		)
		.run();
});
afterAll(() => {
	database.close();
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
	calls = [];
	script = new Map();
	database.sqlite.prepare('DELETE FROM push_subscriptions').run();
	database.sqlite.prepare('DELETE FROM notification_settings').run();
});
afterEach(() => service.close());

describe('PushService.deliver', () => {
	it('returns before anything is sent, then sends one message per device', async () => {
		start();
		for (const n of [1, 2, 3]) service.subscribe('ana', device(n));
		service.deliver('ana', like);
		expect(calls).toHaveLength(0);
		await service.settled();
		expect(calls.map((c) => c.endpoint).sort()).toEqual([1, 2, 3].map((n) => device(n).endpoint));
		expect(await outcomes()).toEqual({ sent: 3 });
	});

	it('sends exactly the type, title, body and url, with a TTL', async () => {
		start();
		service.subscribe('ana', device(1));
		service.deliver('ana', { ...like, secret: 'never sent' } as PushMessage);
		await service.settled();
		expect(JSON.parse(calls[0].payload)).toEqual(like);
		expect(calls[0].ttl).toBe(86_400);
	});

	it('clips long text and refuses a url that leaves the app', async () => {
		start();
		service.subscribe('ana', device(1));
		for (const url of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'x']) {
			service.deliver('ana', { ...like, url, body: '🧠'.repeat(1000) });
		}
		await service.settled();
		for (const call of calls) {
			const payload = JSON.parse(call.payload);
			expect(payload.url).toBe('/');
			expect(payload.body.length).toBeLessThanOrEqual(400);
			expect(payload.body).toMatch(/^(🧠)+…$/u);
		}
	});

	it('sends nothing for a type the user switched off', async () => {
		start();
		service.subscribe('ana', device(1));
		service.saveSettings('ana', { follow: true, like: false, reply: true, post: true });
		service.deliver('ana', like);
		service.deliver('ana', { ...like, type: 'follow' });
		await service.settled();
		expect(calls.map((c) => JSON.parse(c.payload).type)).toEqual(['follow']);
		expect(await outcomes()).toEqual({ sent: 1, switched_off: 1 });
	});

	it('forgets a device the push service answers 404 or 410 for, and no other', async () => {
		start();
		for (const n of [1, 2, 3]) service.subscribe('ana', device(n));
		script.set(device(1).endpoint, [status(410)]);
		script.set(device(2).endpoint, [status(404)]);
		service.deliver('ana', like);
		await service.settled();
		expect(repository.listByUser('ana')).toEqual([device(3)]);
		expect(calls).toHaveLength(3);
		expect(await outcomes()).toEqual({ sent: 1, gone: 2 });
	});

	it('retries network errors, 429 and 5xx, then succeeds', async () => {
		start();
		for (const n of [1, 2, 3]) service.subscribe('ana', device(n));
		script.set(device(1).endpoint, [network]);
		script.set(device(2).endpoint, [status(503), status(500)]);
		script.set(device(3).endpoint, [status(429, { 'retry-after': '0' })]);
		service.deliver('ana', like);
		await service.settled();
		const tries = (n: number) => calls.filter((c) => c.endpoint === device(n).endpoint).length;
		expect([tries(1), tries(2), tries(3)]).toEqual([2, 3, 2]);
		expect(await outcomes()).toEqual({ sent: 3, retried: 4 });
		expect(repository.listByUser('ana')).toHaveLength(3);
	});

	it('gives up after three tries, and at once on other 4xx, keeping the device', async () => {
		start();
		for (const n of [1, 2]) service.subscribe('ana', device(n));
		script.set(device(1).endpoint, [network, network, network, network]);
		script.set(device(2).endpoint, [status(400)]);
		service.deliver('ana', like);
		await service.settled();
		expect(calls.filter((c) => c.endpoint === device(1).endpoint)).toHaveLength(3);
		expect(calls.filter((c) => c.endpoint === device(2).endpoint)).toHaveLength(1);
		expect(await outcomes()).toEqual({ retried: 2, failed: 2 });
		expect(repository.listByUser('ana')).toHaveLength(2);
	});

	it('frees the slot of a push service that never answers', async () => {
		start({ ...FAST, attempts: 2, deadlineMs: 20 });
		service.subscribe('ana', device(1));
		script.set(device(1).endpoint, [never, never]);
		service.deliver('ana', like);
		await service.settled();
		expect(calls).toHaveLength(2);
		expect(await outcomes()).toEqual({ retried: 1, failed: 1 });
	});

	it('keeps at most `concurrency` requests in flight', async () => {
		let inFlight = 0;
		let most = 0;
		start({ ...FAST, concurrency: 2 }, async (...args) => {
			most = Math.max(most, ++inFlight);
			await new Promise((resolve) => setTimeout(resolve, 5));
			inFlight--;
			return stubSender(...args);
		});
		for (let n = 0; n < 10; n++) service.subscribe('ana', device(n));
		service.deliver('ana', like);
		await service.settled();
		expect(calls).toHaveLength(10);
		expect(most).toBe(2);
	});

	it('drops the oldest waiting messages when the queue is full, and counts them', async () => {
		start({ ...FAST, concurrency: 1, maxQueued: 2 });
		service.subscribe('ana', device(1));
		for (const title of ['one', 'two', 'three', 'four']) service.deliver('ana', { ...like, title });
		await service.settled();
		expect(calls.map((c) => JSON.parse(c.payload).title)).toEqual(['three', 'four']);
		expect(await outcomes()).toEqual({ sent: 2, dropped: 2 });
	});

	it('never throws into the caller, even with the database gone', () => {
		const gone = openDatabase(join(dir, 'closed.sqlite'), MIGRATIONS_DIR);
		service = new PushService({
			repository: new PushRepository(gone.db),
			vapid: { subject: 'mailto:test@example.org', ...webpush.generateVAPIDKeys() },
			registry: new Registry(),
			send: stubSender
		});
		gone.close();
		expect(() => service.deliver('ana', like)).not.toThrow();
	});
});
