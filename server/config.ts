import { resolve } from 'node:path';
import { DEFAULT_GUARD_LIMITS, type GuardLimits } from './relay/message-guard';
import { DEFAULT_RELAY_LIMITS, type RelayLimits } from './relay/upgrade';
import { loadAiConfig, type AiConfig } from './ai-config';
import { ConfigError, integer, MB } from './env-values';

export { ConfigError } from './env-values';

/** Everything the server reads from the environment, parsed once with defaults. */
export interface Config {
	port: number;
	host: string;
	/** Public links (pages, RSS) use this origin; null: the address the server listens on. */
	origin: string | null;
	/** Bearer token for /metrics; null: /metrics is off (it names users' activity levels). */
	metricsToken: string | null;
	dataDir: string;
	/** The SvelteKit adapter-node output to serve (its handler.js and client files). */
	buildDir: string;
	/** Milliseconds to let open requests finish on SIGTERM before closing their sockets. */
	shutdownTimeoutMs: number;
	/** Login and registration attempts per client address per minute. */
	authAttemptsPerMinute: number;
	/** Profile, post and RSS page requests per client address per minute. */
	publicPagesPerMinute: number;
	/** Social API reads and changes (follows, likes, replies…) per user per minute. */
	social: { readsPerMinute: number; writesPerMinute: number };
	/** Web Push: the contact push services see (mailto: or https:), and API calls per user. */
	push: {
		vapidSubject: string;
		requestsPerMinute: number;
		/**
		 * Push services the server may send to (host names; a subdomain of one matches too; '*'
		 * allows any). Sending is a server-side request, so an open list would let anyone make the
		 * server POST to any https address.
		 */
		endpointHosts: string[];
	};
	/** Socket limits, and per-update, per-user CPU and awareness limits (message-guard.ts). */
	relay: RelayLimits & Partial<GuardLimits>;
	ai: AiConfig;
	/**
	 * The blob store (/api/blobs): the largest blob, and requests per user per minute. Blobs count
	 * against the same storage quota as documents (`relay.storageQuotaBytes`).
	 */
	blobs: { maxBytes: number; requestsPerMinute: number };
}

/** The browsers' push services: Chrome/Edge (FCM, WNS), Firefox (Mozilla autopush), Safari. */
export const DEFAULT_PUSH_HOSTS = [
	'fcm.googleapis.com',
	'updates.push.services.mozilla.com',
	'notify.windows.com',
	'push.apple.com'
];

export function loadConfig(env: NodeJS.ProcessEnv): Config {
	const relay = relayLimits(env);
	return {
		port: integer(env.PORT, 3000, 0, 65535, 'PORT'),
		host: env.HOST?.trim() || '127.0.0.1',
		origin: parseOrigin(env.ORIGIN),
		metricsToken: metricsToken(env.METRICS_TOKEN),
		dataDir: resolve(env.DATA_DIR?.trim() || 'data'),
		buildDir: resolve(env.BUILD_DIR?.trim() || 'build'),
		shutdownTimeoutMs: integer(env.SHUTDOWN_TIMEOUT, 10, 0, 600, 'SHUTDOWN_TIMEOUT') * 1000,
		authAttemptsPerMinute: integer(
			env.AUTH_ATTEMPTS_PER_MINUTE,
			20,
			1,
			1_000_000,
			'AUTH_ATTEMPTS_PER_MINUTE'
		),
		publicPagesPerMinute: integer(
			env.PUBLIC_PAGES_PER_MINUTE,
			300,
			1,
			1_000_000,
			'PUBLIC_PAGES_PER_MINUTE'
		),
		push: {
			vapidSubject: vapidSubject(env.VAPID_SUBJECT),
			requestsPerMinute: integer(
				env.PUSH_REQUESTS_PER_MINUTE,
				60,
				1,
				1_000_000,
				'PUSH_REQUESTS_PER_MINUTE'
			),
			endpointHosts: (env.PUSH_ENDPOINT_HOSTS?.trim() || DEFAULT_PUSH_HOSTS.join(','))
				.split(',')
				.map((host) => host.trim().toLowerCase())
				.filter(Boolean)
		},
		social: {
			readsPerMinute: integer(
				env.SOCIAL_READS_PER_MINUTE,
				600,
				1,
				1_000_000,
				'SOCIAL_READS_PER_MINUTE'
			),
			writesPerMinute: integer(
				env.SOCIAL_WRITES_PER_MINUTE,
				120,
				1,
				1_000_000,
				'SOCIAL_WRITES_PER_MINUTE'
			)
		},
		relay,
		ai: loadAiConfig(env),
		blobs: {
			// 64 MB: the cap on-device models are validated against (a quantised small embedder).
			maxBytes: integer(env.BLOB_MAX_MB, 64, 1, 4096, 'BLOB_MAX_MB') * MB,
			requestsPerMinute: integer(
				env.BLOB_REQUESTS_PER_MINUTE,
				300,
				1,
				1_000_000,
				'BLOB_REQUESTS_PER_MINUTE'
			)
		}
	};
}

/** Socket limits, and per-update, per-user CPU, awareness and storage limits. */
function relayLimits(env: NodeJS.ProcessEnv): Config['relay'] {
	return {
		...DEFAULT_RELAY_LIMITS,
		...DEFAULT_GUARD_LIMITS,
		maxIntegrationSteps: integer(
			env.RELAY_MAX_INTEGRATION_STEPS,
			DEFAULT_GUARD_LIMITS.maxIntegrationSteps,
			1,
			Number.MAX_SAFE_INTEGER,
			'RELAY_MAX_INTEGRATION_STEPS'
		),
		cpuMsPerSecond: integer(
			env.RELAY_CPU_MS_PER_SECOND,
			DEFAULT_GUARD_LIMITS.cpuMsPerSecond,
			1,
			1000,
			'RELAY_CPU_MS_PER_SECOND'
		),
		cpuBurstMs: integer(
			env.RELAY_CPU_BURST_MS,
			DEFAULT_GUARD_LIMITS.cpuBurstMs,
			1,
			600_000,
			'RELAY_CPU_BURST_MS'
		),
		// 100 MB by default; a 50k-thought library takes about 15 MB.
		storageQuotaBytes:
			integer(
				env.STORAGE_QUOTA_MB,
				DEFAULT_RELAY_LIMITS.storageQuotaBytes / MB,
				1,
				1_000_000,
				'STORAGE_QUOTA_MB'
			) * MB,
		// Behind a reverse proxy every socket comes from the proxy's address: raise this there.
		maxSocketsPerAddress: integer(
			env.MAX_SOCKETS_PER_ADDRESS,
			DEFAULT_RELAY_LIMITS.maxSocketsPerAddress,
			1,
			1_000_000,
			'MAX_SOCKETS_PER_ADDRESS'
		)
	};
}

/** ORIGIN: an http(s) origin with nothing after it (no path), or null when unset. */
function parseOrigin(raw: string | undefined): string | null {
	const value = raw?.trim().replace(/\/$/, '');
	if (!value) return null;
	const url = URL.canParse(value) ? new URL(value) : null;
	if (!url || !['http:', 'https:'].includes(url.protocol) || url.origin !== value) {
		throw new ConfigError(
			`ORIGIN must be an origin such as https://thoughts.example, got "${raw}"`
		);
	}
	return url.origin;
}

function metricsToken(raw: string | undefined): string | null {
	const token = raw?.trim();
	if (!token) return null;
	if (token.length < 16) throw new ConfigError('METRICS_TOKEN must be at least 16 characters');
	return token;
}

/** RFC 8292: a mailto: or https: URI push services can use to reach the operator. */
function vapidSubject(raw: string | undefined): string {
	const subject = raw?.trim() || 'mailto:admin@localhost';
	if (!URL.canParse(subject) || !['mailto:', 'https:'].includes(new URL(subject).protocol)) {
		throw new ConfigError(`VAPID_SUBJECT must be a mailto: or https: URI, got "${raw}"`);
	}
	return subject;
}
