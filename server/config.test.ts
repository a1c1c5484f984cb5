import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
	it('has defaults a newcomer can run with', () => {
		const config = loadConfig({});
		expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', shutdownTimeoutMs: 10_000 });
		expect(config.dataDir).toMatch(/\/data$/);
		expect(config.buildDir).toMatch(/\/build$/);
	});

	it('reads the environment', () => {
		const config = loadConfig({
			PORT: '0',
			HOST: '0.0.0.0',
			DATA_DIR: '/tmp/x',
			SHUTDOWN_TIMEOUT: '2'
		});
		expect(config).toMatchObject({
			port: 0,
			host: '0.0.0.0',
			dataDir: '/tmp/x',
			shutdownTimeoutMs: 2000
		});
	});

	it.each(['abc', '-1', '70000', '1.5'])('rejects PORT=%s with a clear message', (port) => {
		expect(() => loadConfig({ PORT: port })).toThrow(ConfigError);
		expect(() => loadConfig({ PORT: port })).toThrow(/PORT must be an integer from 0 to 65535/);
	});

	it('reads the AI serving limits, plans and prices', () => {
		const MB = 1024 * 1024;
		expect(loadConfig({}).ai).toEqual({
			workers: 1,
			queueLength: 16,
			tenantQueueLength: 4,
			jobTimeoutMs: 10_000,
			requestsPerMinute: 60,
			modelCacheBytes: 64 * MB,
			maxModelBytes: 64 * MB,
			runnerHeapMb: 256,
			runnerMemoryMb: 3072,
			plans: {
				free: { computeSecondsPerDay: 300, tokensPerDay: 2_000_000, storageBytes: null, weight: 1 }
			},
			prices: { currency: 'USD', perComputeSecond: 0.00005, perGbMonth: 0.02 }
		});
		const ai = loadConfig({
			AI_WORKERS: '2',
			AI_QUEUE_LENGTH: '0',
			AI_TENANT_QUEUE_LENGTH: '2',
			AI_REQUESTS_PER_MINUTE: '5',
			AI_MODEL_CACHE_MB: '8',
			AI_PLANS:
				'{"pro": {"computeSecondsPerDay": 3600, "tokensPerDay": 5, "storageMb": 2, "weight": 3}}',
			AI_PRICE_PER_COMPUTE_SECOND: '0.001'
		}).ai;
		expect(ai).toMatchObject({
			workers: 2,
			queueLength: 0,
			tenantQueueLength: 2,
			requestsPerMinute: 5,
			modelCacheBytes: 8 * MB,
			plans: {
				free: { computeSecondsPerDay: 300 },
				pro: { computeSecondsPerDay: 3600, tokensPerDay: 5, storageBytes: 2 * MB, weight: 3 }
			},
			prices: { perComputeSecond: 0.001 }
		});
		expect(() => loadConfig({ AI_WORKERS: '0' })).toThrow(/AI_WORKERS must be an integer/);
		expect(() => loadConfig({ AI_PLANS: '{pro' })).toThrow(/AI_PLANS must be JSON/);
		expect(() => loadConfig({ AI_PLANS: '{"pro": {"tokensPerDay": 5}}' })).toThrow(
			/AI_PLANS: pro.computeSecondsPerDay/
		);
		expect(() => loadConfig({ AI_PLANS: '{"Pro Plan": {}}' })).toThrow(/AI_PLANS/);
		expect(() => loadConfig({ AI_PRICE_PER_GB_MONTH: '-1' })).toThrow(/AI_PRICE_PER_GB_MONTH/);
	});

	it('reads the per-address socket cap for deployments behind a proxy', () => {
		expect(loadConfig({ MAX_SOCKETS_PER_ADDRESS: '5000' }).relay.maxSocketsPerAddress).toBe(5000);
		expect(() => loadConfig({ MAX_SOCKETS_PER_ADDRESS: '0' })).toThrow(/MAX_SOCKETS_PER_ADDRESS/);
		expect(loadConfig({}).relay.storageQuotaBytes).toBe(100 * 1024 * 1024);
		expect(loadConfig({ STORAGE_QUOTA_MB: '5' }).relay.storageQuotaBytes).toBe(5 * 1024 * 1024);
		expect(() => loadConfig({ STORAGE_QUOTA_MB: '0' })).toThrow(/STORAGE_QUOTA_MB/);
	});

	it('takes ORIGIN as a bare http(s) origin and refuses anything else', () => {
		expect(loadConfig({}).origin).toBeNull();
		expect(loadConfig({ ORIGIN: 'https://thoughts.example/' }).origin).toBe(
			'https://thoughts.example'
		);
		for (const bad of ['thoughts.example', 'ftp://x.example', 'https://x.example/path']) {
			expect(() => loadConfig({ ORIGIN: bad })).toThrow(/ORIGIN must be an origin/);
		}
	});

	it('serves /metrics only with a token long enough to guess at', () => {
		expect(loadConfig({}).metricsToken).toBeNull();
		expect(loadConfig({ METRICS_TOKEN: 'x'.repeat(16) }).metricsToken).toBe('x'.repeat(16));
		expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
	});
});
