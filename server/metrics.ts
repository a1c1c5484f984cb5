import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, one registry per server so tests can start several. */
export class Metrics {
	readonly registry = new Registry();
	readonly connections = new Gauge({
		name: 't10x_relay_connections',
		help: 'Open relay WebSocket connections',
		registers: [this.registry]
	});
	readonly documentsLoaded = new Gauge({
		name: 't10x_relay_documents_loaded',
		help: 'Yjs documents loaded in the relay',
		registers: [this.registry]
	});
	readonly updates = new Counter({
		name: 't10x_relay_updates_total',
		help: 'Document updates appended to the log (rate() gives updates/s)',
		registers: [this.registry]
	});
	readonly storeSeconds = new Histogram({
		name: 't10x_relay_store_seconds',
		help: 'Time to compact a document into its stored state',
		buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
		registers: [this.registry]
	});
	readonly authFailures = new Counter({
		name: 't10x_auth_failures_total',
		help: 'Refused logins, upgrades and document authentications',
		labelNames: ['where'] as const,
		registers: [this.registry]
	});
	readonly rejectedMessages = new Counter({
		name: 't10x_relay_rejected_messages_total',
		help: 'Relay messages refused as malformed, forbidden or over a limit',
		labelNames: ['reason'] as const,
		registers: [this.registry]
	});
	readonly protocolRefusals = new Counter({
		name: 't10x_relay_protocol_refusals_total',
		help: 'Sockets closed because the client protocol is too old or too new for this server',
		labelNames: ['reason'] as const,
		registers: [this.registry]
	});
	readonly refusedDocuments = new Counter({
		name: 't10x_documents_refused_total',
		help: 'Documents newer than the server knows: not stored (where=relay) or not published',
		labelNames: ['where'] as const,
		registers: [this.registry]
	});
	readonly refusedPosts = new Counter({
		name: 't10x_posts_refused_total',
		help: 'Posts refused because another user published their id first',
		registers: [this.registry]
	});
	readonly storageErrors = new Counter({
		name: 't10x_storage_errors_total',
		help: 'Document storage failures by StorageError code (unavailable, full, corrupt, too-large)',
		labelNames: ['code'] as const,
		registers: [this.registry]
	});
	constructor() {
		collectDefaultMetrics({ register: this.registry });
	}
}
