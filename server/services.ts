import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AiMetrics } from './ai/ai-metrics';
import { InferencePool } from './ai/inference-pool';
import { probeOnServer } from './ai/model-probe';
import { spawnModelRunner } from './ai/spawn-model-runner';
import { loadStaticModels } from './ai/static-models';
import { rootDocName } from '../sync/doc-names';
import type { UserId } from '../sync/ids';
import type { Config } from './config';
import { BlobFiles } from './blobs/blob-files';
import { AnalyticsRepository } from './db/analytics.repository';
import { BlobsRepository } from './db/blobs.repository';
import { DocumentsRepository } from './db/documents.repository';
import { IdempotencyRepository } from './db/idempotency.repository';
import { InteractionsRepository } from './db/interactions.repository';
import { NotificationsRepository } from './db/notifications.repository';
import { PostsRepository } from './db/posts.repository';
import { PushRepository } from './db/push.repository';
import { ProfilesRepository } from './db/profiles.repository';
import { RelationsRepository } from './db/relations.repository';
import { InferenceLogRepository } from './db/inference-log.repository';
import { openDatabase, type OpenDatabase } from './db/open';
import { SessionsRepository } from './db/sessions.repository';
import { UsersRepository } from './db/users.repository';
import { aiRoutes } from './http/ai.routes';
import { analyticsRoutes, postViewCounter } from './http/analytics.routes';
import { authRoutes } from './http/auth.routes';
import { blobRoutes } from './http/blob.routes';
import { publicRoutes } from './http/public.routes';
import { SiteOrigin } from './http/site-origin';
import { pushRoutes } from './http/push.routes';
import { socialRoutes } from './http/social.routes';
import type { Route } from './http/router';
import { Metrics } from './metrics';
import { readDocument } from './relay/document-store';
import { createRelay, type Relay } from './relay/relay';
import { loadSecret } from './secrets';
import { AnalyticsService } from './services/analytics.service';
import { AuthService } from './services/auth.service';
import { BlobService } from './services/blob.service';
import { AiQuotas } from './services/ai-quotas';
import { AiRunService } from './services/ai-run.service';
import { AiUsageService } from './services/ai-usage.service';
import { UserModels } from './services/user-models';
import { PublishingService } from './services/publishing.service';
import { PushService } from './services/push.service';
import { SocialService } from './services/social.service';
import { LoginThrottle } from './services/login-throttle';
import { RateLimiter } from './services/rate-limiter';
import { RelayTokens } from './services/relay-tokens';
import { loadVapidKeys } from './services/vapid-keys';

const RELAY_TOKEN_TTL_MS = 5 * 60 * 1000;
/** Failed sign-ins: 10 per address and username per 15 min; past 100 from anywhere, 30 s apart. */
const LOGIN_LIMITS = {
	perSource: 10,
	windowMs: 15 * 60 * 1000,
	hotAfter: 100,
	hotSpacingMs: 30_000
};
const ANALYTICS_REQUESTS_PER_MINUTE = 60;
/** The most numbers one run hands back: 64 texts × 4,096 labels, the registry's caps. */
const MAX_RUN_OUTPUT_VALUES = 64 * 4096;

/** Migrations ship as SQL files beside the source: found from server/ and from dist/server/. */
export const MIGRATIONS_DIR = [
	new URL('./db/migrations', import.meta.url),
	new URL('../../server/db/migrations', import.meta.url)
]
	.map((url) => fileURLToPath(url))
	.find((dir) => existsSync(dir))!;

/** The built-in models the PWA serves from static/: found from server/ and from dist/server/. */
export const MODELS_DIR = [
	new URL('../static/models', import.meta.url),
	new URL('../../static/models', import.meta.url)
]
	.map((url) => fileURLToPath(url))
	.find((dir) => existsSync(dir));

export interface Services {
	database: OpenDatabase;
	auth: AuthService;
	relay: Relay;
	metrics: Metrics;
	/** The model runner processes: closed on shutdown. */
	inference: InferencePool;
	/** Web Push delivery (a PushDelivery for other services); `settled()` lets tests wait. */
	push: PushService;
	routes: Route[];
	/** Where public links point; told the listen address once the server is up. */
	site: SiteOrigin;
}

/** Wires repositories → services → relay and routes. Nothing here knows about HTTP servers. */
export function createServices(
	config: Config,
	migrationsDir = MIGRATIONS_DIR,
	modelsDir = MODELS_DIR
): Services {
	const database = openDatabase(join(config.dataDir, 'thoughts10x.sqlite'), migrationsDir);
	const metrics = new Metrics();
	const site = new SiteOrigin(config.origin);
	const users = new UsersRepository(database.db);
	const auth = new AuthService(
		users,
		new SessionsRepository(database.db),
		new RelayTokens(loadSecret(config.dataDir), RELAY_TOKEN_TTL_MS)
	);
	const posts = new PostsRepository(database.db);
	const push = new PushService({
		repository: new PushRepository(database.db),
		vapid: loadVapidKeys(config.dataDir, config.push.vapidSubject),
		registry: metrics.registry
	});
	const analytics = new AnalyticsService(
		new AnalyticsRepository(database.db),
		new RateLimiter(ANALYTICS_REQUESTS_PER_MINUTE, 60_000)
	);
	const profiles = new ProfilesRepository(database.db);
	const social = new SocialService(
		{
			profiles,
			relations: new RelationsRepository(database.db),
			interactions: new InteractionsRepository(database.db),
			notifications: new NotificationsRepository(database.db)
		},
		push
	);
	const publishing = new PublishingService(posts, {
		published: (authorId, postIds) => social.postsPublished(authorId, postIds),
		skipped: (name, reason) => {
			metrics.refusedDocuments.inc({ where: 'publishing' });
			console.warn(`[publishing] not materialising ${name}: ${reason}`);
		},
		refused: (name, postIds) => {
			metrics.refusedPosts.inc(postIds.length);
			console.warn(`[publishing] ${name}: ids published first by another user: ${postIds}`);
		}
	});
	const documents = new DocumentsRepository(database.db);
	const inferenceLog = new InferenceLogRepository(database.db);
	// The blob store and the relay read each user's storage quota from their plan.
	const quotas: AiQuotas = new AiQuotas(
		config.ai.plans,
		{
			planOf: (userId) => users.planOf(userId),
			spentSince: (userId, since) => inferenceLog.spentSince(userId, since),
			storageUsed: (userId) => blobs.used(userId)
		},
		config.relay.storageQuotaBytes
	);
	const relay = createRelay(
		auth,
		documents,
		metrics,
		config.relay,
		(name, document) => publishing.documentStored(name, document),
		(userId) => quotas.storageQuota(userId)
	);
	const blobs = new BlobService(
		new BlobsRepository(database.db),
		new BlobFiles(join(config.dataDir, 'blobs')),
		{ maxBytes: config.blobs.maxBytes, quotaFor: (userId) => quotas.storageQuota(userId) }
	);
	const embedders = loadStaticModels(modelsDir);
	const runnerSetup = {
		builtins: [...embedders.values()].map(({ id, modelFile, vocabFile }) => ({
			id,
			modelFile,
			vocabFile
		})),
		cacheBytes: config.ai.modelCacheBytes,
		maxOutputValues: MAX_RUN_OUTPUT_VALUES
	};
	const runnerLimits = { heapMb: config.ai.runnerHeapMb, memoryMb: config.ai.runnerMemoryMb };
	const inference = new InferencePool(config.ai, () => spawnModelRunner(runnerSetup, runnerLimits));
	const aiMetrics = new AiMetrics(metrics.registry, () => inference.stats());
	const userModels = new UserModels({
		embedders,
		rootDoc: (userId) => readDocument(documents, rootDocName(userId as UserId)),
		localFile: (userId, sha256) => blobs.localFile(userId, sha256),
		probe: probeOnServer,
		maxModelBytes: config.ai.maxModelBytes
	});
	const aiRuns = new AiRunService(
		userModels,
		inference,
		quotas,
		inferenceLog,
		new RateLimiter(config.ai.requestsPerMinute, 60_000),
		config.ai.prices,
		aiMetrics
	);
	const aiUsage = new AiUsageService(inferenceLog, quotas, config.ai.prices);
	const routes = [
		...authRoutes(
			auth,
			{
				attempts: new RateLimiter(config.authAttemptsPerMinute, 60_000),
				failures: new LoginThrottle(LOGIN_LIMITS)
			},
			() => metrics.authFailures.inc({ where: 'login' })
		),
		...aiRoutes(auth, aiRuns, aiUsage, new RateLimiter(config.ai.requestsPerMinute, 60_000)),
		...publicRoutes(
			profiles,
			posts,
			site,
			new RateLimiter(config.publicPagesPerMinute, 60_000),
			postViewCounter(auth, analytics)
		),
		...analyticsRoutes(auth, analytics),
		...blobRoutes(auth, blobs, new RateLimiter(config.blobs.requestsPerMinute, 60_000)),
		...pushRoutes(
			auth,
			push,
			new RateLimiter(config.push.requestsPerMinute, 60_000),
			config.push.endpointHosts
		),
		...socialRoutes(auth, social, profiles, new IdempotencyRepository(database.db), {
			reads: new RateLimiter(config.social.readsPerMinute, 60_000),
			writes: new RateLimiter(config.social.writesPerMinute, 60_000)
		})
	];
	return { database, auth, relay, metrics, inference, push, routes, site };
}
