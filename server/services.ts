import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferencePool } from './ai/inference-pool';
import { spawnEmbedWorker } from './ai/spawn-embed-worker';
import { loadStaticModels } from './ai/static-models';
import type { Config } from './config';
import { DocumentsRepository } from './db/documents.repository';
import { PostsRepository } from './db/posts.repository';
import { InferenceLogRepository } from './db/inference-log.repository';
import { openDatabase, type OpenDatabase } from './db/open';
import { SessionsRepository } from './db/sessions.repository';
import { UsersRepository } from './db/users.repository';
import { aiRoutes } from './http/ai.routes';
import { authRoutes } from './http/auth.routes';
import { publicRoutes } from './http/public.routes';
import type { Route } from './http/router';
import { Metrics } from './metrics';
import { createRelay, type Relay } from './relay/relay';
import { loadSecret } from './secrets';
import { AuthService } from './services/auth.service';
import { EmbedService } from './services/embed.service';
import { PublishingService } from './services/publishing.service';
import { RateLimiter } from './services/rate-limiter';
import { RelayTokens } from './services/relay-tokens';

const RELAY_TOKEN_TTL_MS = 5 * 60 * 1000;
const LOGIN_FAILURES_PER_USER = 10;
const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;

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
	/** The embedding fallback's worker threads: closed on shutdown. */
	inference: InferencePool;
	routes: Route[];
}

/** Wires repositories → services → relay and routes. Nothing here knows about HTTP servers. */
export function createServices(
	config: Config,
	migrationsDir = MIGRATIONS_DIR,
	modelsDir = MODELS_DIR
): Services {
	const database = openDatabase(join(config.dataDir, 'thoughts10x.sqlite'), migrationsDir);
	const metrics = new Metrics();
	const users = new UsersRepository(database.db);
	const auth = new AuthService(
		users,
		new SessionsRepository(database.db),
		new RelayTokens(loadSecret(config.dataDir), RELAY_TOKEN_TTL_MS)
	);
	const posts = new PostsRepository(database.sqlite);
	const publishing = new PublishingService(posts);
	const relay = createRelay(
		auth,
		new DocumentsRepository(database.sqlite),
		metrics,
		config.relay,
		(name, document) => publishing.documentStored(name, document)
	);
	const models = loadStaticModels(modelsDir);
	const inference = new InferencePool(config.ai, () => spawnEmbedWorker([...models.values()]));
	const embed = new EmbedService(
		models,
		inference,
		new InferenceLogRepository(database.db),
		new RateLimiter(config.ai.embedsPerMinute, 60_000),
		metrics
	);
	const routes = [
		...authRoutes(
			auth,
			{
				attempts: new RateLimiter(config.authAttemptsPerMinute, 60_000),
				failures: new RateLimiter(LOGIN_FAILURES_PER_USER, LOGIN_FAILURE_WINDOW_MS)
			},
			() => metrics.authFailures.inc({ where: 'login' })
		),
		...aiRoutes(auth, embed),
		...publicRoutes(users, posts, new RateLimiter(config.publicPagesPerMinute, 60_000))
	];
	return { database, auth, relay, metrics, inference, routes };
}
