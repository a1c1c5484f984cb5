import { Hocuspocus } from '@hocuspocus/server';
import type * as Y from 'yjs';
import type { DocumentsRepository } from '../db/documents.repository';
import type { Metrics } from '../metrics';
import type { AuthService } from '../services/auth.service';
import { authenticate } from './authenticate';
import { messageGuard } from './message-guard';
import { persistence } from './persistence';
import { UpgradeHandler, type RelayLimits } from './upgrade';

export interface Relay {
	upgrades: UpgradeHandler;
	/** Closes every socket and waits until all documents are stored and unloaded. */
	close(timeoutMs: number): Promise<void>;
}

/** The Hocuspocus relay on /sync: auth, message checks and durable persistence as extensions. */
export function createRelay(
	auth: AuthService,
	documents: DocumentsRepository,
	metrics: Metrics,
	limits: RelayLimits,
	afterStore?: (documentName: string, document: Y.Doc) => void
): Relay {
	const hocuspocus = new Hocuspocus({
		quiet: true,
		extensions: [
			messageGuard(metrics),
			authenticate(auth, metrics),
			persistence(documents, metrics, afterStore)
		]
	});
	const upgrades = new UpgradeHandler(hocuspocus, auth, metrics, limits);
	return {
		upgrades,
		async close(timeoutMs) {
			upgrades.closeAll();
			hocuspocus.closeConnections();
			const deadline = Date.now() + timeoutMs;
			while (hocuspocus.getDocumentsCount() > 0 && Date.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		}
	};
}
