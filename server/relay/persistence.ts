import type {
	Extension,
	afterUnloadDocumentPayload,
	onLoadDocumentPayload,
	onStoreDocumentPayload
} from '@hocuspocus/server';
import * as Y from 'yjs';
import { parseDocName } from '../../sync/doc-names';
import { CLOSE } from '../../sync/protocol/close-codes';
import type { DocumentsRepository } from '../db/documents.repository';
import type { Metrics } from '../metrics';
import { guarded } from './guarded';

/**
 * Durability contract: every update is appended to SQLite inside the Y.Doc `update` event, which
 * fires while Hocuspocus applies it and before it queues the acknowledgement. The debounced
 * store only compacts: it writes the full state and prunes the log up to the last seq it holds.
 */
export function persistence(documents: DocumentsRepository, metrics: Metrics): Extension {
	const lastSeq = new Map<string, number>();

	return {
		onLoadDocument: guarded(
			'onLoadDocument',
			({ document, documentName }: onLoadDocumentPayload) => {
				const stored = documents.load(documentName);
				Y.transact(document, () => {
					if (stored.state) Y.applyUpdate(document, stored.state);
					for (const update of stored.updates) Y.applyUpdate(document, update);
				});
				lastSeq.set(documentName, stored.lastSeq);
				// Registered after loading, so only new updates are appended.
				document.on('update', (update: Uint8Array) => {
					lastSeq.set(documentName, documents.append(documentName, update));
					metrics.updates.inc();
				});
				metrics.documentsLoaded.inc();
				return document;
			},
			CLOSE.badMessage
		),

		onStoreDocument: guarded(
			'onStoreDocument',
			({ document, documentName }: onStoreDocumentPayload) => {
				const name = parseDocName(documentName);
				if (!name) return;
				const stop = metrics.storeSeconds.startTimer();
				documents.compact(
					documentName,
					name.userId,
					Y.encodeStateAsUpdate(document),
					lastSeq.get(documentName) ?? 0
				);
				stop();
			},
			CLOSE.badMessage
		),

		afterUnloadDocument: guarded(
			'afterUnloadDocument',
			({ documentName }: afterUnloadDocumentPayload) => {
				lastSeq.delete(documentName);
				metrics.documentsLoaded.dec();
			},
			CLOSE.badMessage
		)
	};
}
