import type { Document } from '@hocuspocus/server';
import type { DocName } from '../../sync/doc-names';
import { CLOSE } from '../../sync/protocol/close-codes';
import { newerSchema } from '../../sync/protocol/version';
import type { Metrics } from '../metrics';

/**
 * Loaded documents whose schemaVersion is newer than this server knows. The message guard stops
 * a whole state that arrives newer; an update that bumps the version of a document the relay
 * holds is only visible once applied (its key's parent is in the stored doc), so it is the one
 * update of such a document that reaches the log. From then on the document is refused: its
 * sockets are closed with `schemaTooNew`, nothing more is appended, and it is never compacted
 * nor published, so this server never rewrites or interprets data a newer build wrote.
 */
export class SchemaGate {
	readonly #refused = new Set<string>();

	constructor(private readonly metrics: Metrics) {}

	/** After a change: refuses the document the first time it reads newer than supported. */
	check(documentName: string, kind: DocName['kind'], document: Document): void {
		if (this.#refused.has(documentName)) return;
		const newer = newerSchema(kind, document);
		if (!newer) return;
		this.#refused.add(documentName);
		this.metrics.refusedDocuments.inc({ where: 'relay' });
		console.warn(
			`[relay] ${documentName} has schema ${newer.version}, this server knows ${newer.supported}: not storing it`
		);
		for (const connection of document.getConnections()) {
			connection.webSocket.close(CLOSE.schemaTooNew.code, CLOSE.schemaTooNew.reason);
		}
	}

	isRefused(documentName: string): boolean {
		return this.#refused.has(documentName);
	}

	forget(documentName: string): void {
		this.#refused.delete(documentName);
	}
}
