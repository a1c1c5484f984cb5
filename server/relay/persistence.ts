import {
	Connection,
	type Extension,
	type afterUnloadDocumentPayload,
	type beforeHandleMessagePayload,
	type onLoadDocumentPayload,
	type onStoreDocumentPayload
} from '@hocuspocus/server';
import * as Y from 'yjs';
import { parseDocName } from '../../sync/doc-names';
import { CLOSE } from '../../sync/protocol/close-codes';
import type { Metrics } from '../metrics';
import { StorageError, type DocumentStore } from './document-store';
import { RelayError, closeSocket, guarded, storageClose } from './guarded';
import { documentUpdateIn } from './message-guard';
import { SchemaGate } from './schema-gate';
import type { StorageQuota } from './storage-quota';
import type { UpdateLog } from './update-log';

/**
 * Durability contract: an update is on disk before the relay acknowledges it. A client's update
 * is appended (group commit) in beforeHandleMessage, which Hocuspocus awaits before it applies
 * and acknowledges the message; any other change to a document is appended inside its `update`
 * event. The debounced store only compacts: it writes the full state and prunes the log up to the
 * last seq it holds. A client's update that does not fit its user's storage quota is refused
 * before it is appended (storageFull): never stored, never acknowledged, kept by the client.
 *
 * lastSeq moves when a batch commits, before Hocuspocus applies its updates. That is safe because
 * every update of the batch is applied in the same run of promise callbacks, the same number of
 * steps after the commit. A store starts from a timer or socket event, which cannot run in
 * between, or (past maxDebounce) from an update's apply, and then reaches onStoreDocument only
 * after the store's mutex, a later step than the batch's other applies: no compaction sees a seq
 * whose update is not in the document yet.
 */
export function persistence(
	store: DocumentStore,
	log: UpdateLog,
	quota: StorageQuota,
	metrics: Metrics,
	afterStore: (documentName: string, document: Y.Doc) => void = () => {}
): Extension {
	const lastSeq = new Map<string, number>();
	const schemas = new SchemaGate(metrics);
	const advance = (name: string, seq: number) => {
		if (lastSeq.has(name)) lastSeq.set(name, Math.max(lastSeq.get(name)!, seq));
	};

	return {
		onLoadDocument: guarded(
			'onLoadDocument',
			({ document, documentName }: onLoadDocumentPayload) => {
				const kind = parseDocName(documentName)?.kind;
				if (!kind) throw new RelayError(CLOSE.forbidden.code, CLOSE.forbidden.reason);
				const stored = store.load(documentName);
				Y.transact(document, () => {
					if (stored.state) Y.applyUpdate(document, stored.state);
					for (const update of stored.updates) Y.applyUpdate(document, update);
				});
				lastSeq.set(documentName, stored.lastSeq);
				schemas.check(documentName, kind, document);
				// Registered after loading, so only new updates are appended. A client's updates
				// (origin: its Connection) were appended in beforeHandleMessage.
				document.on('update', (update: Uint8Array, origin: unknown) => {
					schemas.check(documentName, kind, document);
					if (origin instanceof Connection) return;
					advance(documentName, store.append(documentName, update));
					metrics.updates.inc();
				});
				metrics.documentsLoaded.inc();
				return document;
			},
			CLOSE.badMessage
		),

		// Runs after the message guard (extension order), so only checked updates are logged.
		beforeHandleMessage: guarded(
			'beforeHandleMessage',
			async ({ update: message, documentName, connection }: beforeHandleMessagePayload) => {
				// Hocuspocus refuses updates from read-only connections; they must not be logged.
				if (connection.readOnly) return;
				const update = documentUpdateIn(message);
				if (!update) return;
				if (schemas.isRefused(documentName)) throw closeSocket(connection, CLOSE.schemaTooNew);
				const userId = parseDocName(documentName)?.userId ?? '';
				let isReserved = false;
				try {
					isReserved = quota.reserve(userId, update);
					if (!isReserved) {
						metrics.rejectedMessages.inc({ reason: 'storage quota' });
						throw closeSocket(connection, CLOSE.storageFull);
					}
					advance(documentName, await log.append(documentName, update));
				} catch (error) {
					// The client keeps the unacknowledged update and sends it again on reconnect.
					if (!(error instanceof StorageError)) throw error;
					metrics.storageErrors.inc({ code: error.code });
					throw closeSocket(connection, storageClose(error));
				} finally {
					if (isReserved) quota.release(userId, update.byteLength);
				}
				metrics.updates.inc();
			},
			CLOSE.badMessage
		),

		onStoreDocument: guarded(
			'onStoreDocument',
			({ document, documentName }: onStoreDocumentPayload) => {
				const name = parseDocName(documentName);
				if (!name || schemas.isRefused(documentName)) return;
				const stop = metrics.storeSeconds.startTimer();
				try {
					store.compact(
						documentName,
						name.userId,
						Y.encodeStateAsUpdate(document),
						lastSeq.get(documentName) ?? 0
					);
				} catch (error) {
					if (!(error instanceof StorageError)) throw error;
					// Nothing is lost: the log still holds every update, and the next store retries.
					// Thrown on, it would only become an unhandled rejection inside Hocuspocus.
					metrics.storageErrors.inc({ code: error.code });
					console.error(`[relay] could not compact ${documentName}:`, error.code, error.cause);
					return;
				}
				stop();
				afterStore(documentName, document);
			},
			CLOSE.badMessage
		),

		afterUnloadDocument: guarded(
			'afterUnloadDocument',
			({ documentName }: afterUnloadDocumentPayload) => {
				lastSeq.delete(documentName);
				schemas.forget(documentName);
				metrics.documentsLoaded.dec();
			},
			CLOSE.badMessage
		)
	};
}
