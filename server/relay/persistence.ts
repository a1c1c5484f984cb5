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
import type { DocumentsRepository } from '../db/documents.repository';
import type { Metrics } from '../metrics';
import { guarded } from './guarded';
import { documentUpdateIn } from './message-guard';
import { UpdateLog } from './update-log';

/**
 * Durability contract: an update is on disk before the relay acknowledges it. A client's update
 * is appended (group commit) in beforeHandleMessage, which Hocuspocus awaits before it applies
 * and acknowledges the message; any other change to a document is appended inside its `update`
 * event. The debounced store only compacts: it writes the full state and prunes the log up to the
 * last seq it holds.
 *
 * lastSeq moves when a batch commits, before Hocuspocus applies its updates. That is safe because
 * the apply follows in the same run of promise callbacks, and a store only starts from a timer or
 * socket event, which cannot run in between: no compaction ever sees a seq whose update is not in
 * the document yet.
 */
export function persistence(
	documents: DocumentsRepository,
	metrics: Metrics,
	afterStore: (documentName: string, document: Y.Doc) => void = () => {}
): Extension {
	const lastSeq = new Map<string, number>();
	const log = new UpdateLog(documents);
	const advance = (name: string, seq: number) => {
		if (lastSeq.has(name)) lastSeq.set(name, Math.max(lastSeq.get(name)!, seq));
	};

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
				// Registered after loading, so only new updates are appended. A client's updates
				// (origin: its Connection) were appended in beforeHandleMessage.
				document.on('update', (update: Uint8Array, origin: unknown) => {
					if (origin instanceof Connection) return;
					advance(documentName, documents.append(documentName, update));
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
				advance(documentName, await log.append(documentName, update));
				metrics.updates.inc();
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
				afterStore(documentName, document);
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
