import { Hocuspocus } from '@hocuspocus/server';
import type * as Y from 'yjs';
import type { Metrics } from '../metrics';
import type { AuthService } from '../services/auth.service';
import { authenticate } from './authenticate';
import type { DocumentStore } from './document-store';
import { messageGuard, type GuardLimits } from './message-guard';
import { OpenDocuments } from './open-documents';
import { persistence } from './persistence';
import { watchStalls } from './stall-monitor';
import { StorageQuota } from './storage-quota';
import { UpdateLog } from './update-log';
import { UpgradeHandler, type RelayLimits } from './upgrade';

export interface Relay {
	upgrades: UpgradeHandler;
	/**
	 * Closes every socket, waits until all documents are stored and unloaded, then commits the
	 * update log's open batch: call it before the store's database is closed.
	 */
	close(timeoutMs: number): Promise<void>;
}

/**
 * The Hocuspocus relay on /sync: auth (with the open-documents budget), message checks and
 * durable persistence (with the storage quota) as extensions.
 */
export function createRelay(
	auth: AuthService,
	store: DocumentStore,
	metrics: Metrics,
	limits: RelayLimits & Partial<GuardLimits>,
	afterStore?: (documentName: string, document: Y.Doc) => void,
	/** Each user's storage quota; `limits.storageQuotaBytes` for everyone when left out. */
	quotaFor: (userId: string) => number = () => limits.storageQuotaBytes
): Relay {
	const log = new UpdateLog(store, limits.groupCommitWindowMs);
	const quota = new StorageQuota(store, quotaFor);
	const openDocuments = new OpenDocuments(limits);
	const hocuspocus = new Hocuspocus({
		quiet: true,
		extensions: [
			messageGuard(metrics, limits),
			authenticate(auth, openDocuments, metrics),
			persistence(store, log, quota, metrics, afterStore)
		]
	});
	const upgrades = new UpgradeHandler(hocuspocus, auth, openDocuments, metrics, limits);
	const stopWatchingStalls = watchStalls(metrics);
	return {
		upgrades,
		async close(timeoutMs) {
			stopWatchingStalls();
			upgrades.closeAll();
			hocuspocus.closeConnections();
			const deadline = Date.now() + timeoutMs;
			while (hocuspocus.getDocumentsCount() > 0 && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
			log.flush();
		}
	};
}
