import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { relayBetweenTabs } from './tab-relay';

/** A Y.Doc whose every update is written to IndexedDB and shared with other open tabs. */
export interface PersistedDoc {
	readonly name: string;
	readonly doc: Y.Doc;
	close(): Promise<void>;
}

export const DB_PREFIX = 't10x:';

export async function openPersistedDoc(name: string): Promise<PersistedDoc> {
	const doc = new Y.Doc();
	const persistence = new IndexeddbPersistence(DB_PREFIX + name, doc);
	await persistence.whenSynced;
	const stopRelay = relayBetweenTabs(doc, name);
	return {
		name,
		doc,
		async close() {
			stopRelay();
			await persistence.destroy();
			doc.destroy();
		}
	};
}
